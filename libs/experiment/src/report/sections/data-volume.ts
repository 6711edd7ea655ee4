import type { ExperimentResults } from '../../results/experiment-results';
import type { ChartSpec } from '../charts';
import { fmt } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;

/** The data-volume curves: per history size, bytes per event, the ceiling and every rebuild. */
export const dataVolumeBlocks = (
  results: ExperimentResults,
  charts: readonly ChartSpec[],
): Block[] => {
  const points = results.dataVolume ?? [];
  if (points.length === 0) return [];
  const projectors = [
    ...new Set(points.flatMap((point) => point.rebuilds.map((row) => row.projectors))),
  ].sort((a, b) => a - b);
  return [
    { kind: 'heading', level: 2, text: 'Data volume: replay against history size' },
    {
      kind: 'paragraph',
      text: 'A fresh ES event log of each size, filled with the histories of many players; one bare consumer reads it (the ceiling), then every view is rebuilt from offset 0 into fresh collections with each projector count (seconds, events/s). The projectors run in the experiment process; Kafka and the database in the largest budget of the config.',
    },
    {
      kind: 'table',
      header: [
        'events',
        'bytes/event',
        'ceiling events/s',
        ...projectors.map((count) => `${count} projector(s)`),
      ],
      align: [R, R, R, ...projectors.map(() => R)],
      rows: points.map((point) => [
        point.events.toLocaleString('en-US'),
        fmt(point.bytesPerEvent),
        fmt(point.ceilingEventsPerSecond),
        ...projectors.map((count) => {
          const row = point.rebuilds.find((candidate) => candidate.projectors === count);
          return row
            ? `${fmt(row.seconds)} s (${fmt(row.eventsPerSecond)}/s)${row.status === 'building' || row.status === 'abandoned' ? ` **${row.status}**` : ''}`
            : '–';
        }),
      ]),
    },
    ...chartBlock(charts, 'data-volume'),
  ];
};
