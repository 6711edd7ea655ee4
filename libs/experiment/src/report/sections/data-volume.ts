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
    ...restoreBlocks(points, charts),
  ];
};

/** Snapshot restore on vs off per history size, where it was measured. */
const restoreBlocks = (
  points: NonNullable<ExperimentResults['dataVolume']>,
  charts: readonly ChartSpec[],
): Block[] => {
  const measured = points.filter((point) => point.restore !== undefined);
  if (measured.length === 0) return [];
  return [
    { kind: 'heading', level: 3, text: 'Snapshot restore on vs off' },
    {
      kind: 'paragraph',
      text: "What a command processor taking over every partition waits before it can decide: every player's state restored from the event log (snapshots off: each partition read from offset 0 and folded) or from the compacted snapshot topic (snapshots on: one record per player, decoded with the write model's codec). Both restores must agree player by player. The snapshots hold the state, as the live ones do (which also keep the registering command's ledger line); a live processor snapshots periodically and restores from the snapshots plus the events after its checkpoint, so its restore lies between the two figures.",
    },
    {
      kind: 'table',
      header: [
        'events',
        'players',
        'off: s (events read)',
        'on: s (records read)',
        'bytes/snapshot',
        'off / on',
      ],
      align: [R, R, R, R, R, R],
      rows: measured.map((point) => {
        const restore = point.restore as NonNullable<typeof point.restore>;
        return [
          point.events.toLocaleString('en-US'),
          restore.players.toLocaleString('en-US'),
          `${fmt(restore.fromEvents.seconds)} s (${restore.fromEvents.records.toLocaleString('en-US')})`,
          `${fmt(restore.fromSnapshots.seconds)} s (${restore.fromSnapshots.records.toLocaleString('en-US')})`,
          fmt(restore.fromSnapshots.bytesPerPlayer),
          restore.fromSnapshots.seconds > 0
            ? `${fmt(restore.fromEvents.seconds / restore.fromSnapshots.seconds)}×`
            : '–',
        ];
      }),
    },
    ...chartBlock(charts, 'snapshot-restore'),
  ];
};
