import type { TopLevelSpec } from 'vega-lite';
import type { ExperimentResults } from '../../results/experiment-results';
import { baseConfig, HEIGHT, SCHEMA, WIDTH, type ChartSpec } from './chart-style';

/** Rebuild rate of every view against the size of the history, per projector count, with the ceiling. */
export const dataVolumeChart = (results: ExperimentResults): ChartSpec | undefined => {
  const points = results.dataVolume ?? [];
  const rows = points.flatMap((point) => [
    ...point.rebuilds.map((row) => ({
      events: point.events,
      series: `${row.projectors} projector(s)`,
      perSecond: row.eventsPerSecond,
    })),
    {
      events: point.events,
      series: 'ceiling: one bare consumer',
      perSecond: point.ceilingEventsPerSecond,
    },
  ]);
  if (rows.length === 0) return undefined;
  return {
    id: 'data-volume',
    title: 'Replay rate vs history size',
    caption:
      'Events/s rebuilding every ES view from offset 0, against the number of events in the log (log scale), per projector count; the dashed series is one bare kafkajs consumer reading the same log (the ceiling).',
    spec: {
      $schema: SCHEMA,
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'Replay rate vs history size',
        subtitle: 'every view rebuilt from offset 0; dashed: one bare consumer',
      },
      data: { values: rows },
      mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'events',
          type: 'quantitative',
          title: 'events in the log (log)',
          scale: { type: 'log' },
        },
        y: { field: 'perSecond', type: 'quantitative', title: 'events/s' },
        color: { field: 'series', type: 'nominal', title: null },
        strokeDash: {
          condition: { test: "datum.series === 'ceiling: one bare consumer'", value: [6, 4] },
          value: [1, 0],
        },
      },
    } as TopLevelSpec,
  };
};

/** Time to restore every player's state against the size of the history, snapshots on and off. */
export const restoreChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = (results.dataVolume ?? []).flatMap((point) =>
    point.restore
      ? [
          {
            events: point.events,
            series: 'snapshots off (fold the event log)',
            seconds: point.restore.fromEvents.seconds,
          },
          {
            events: point.events,
            series: 'snapshots on (read the snapshot topic)',
            seconds: point.restore.fromSnapshots.seconds,
          },
        ]
      : [],
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'snapshot-restore',
    title: 'State restore vs history size',
    caption:
      "Seconds to restore every player's state, as a command processor taking over all partitions, from the event log (snapshots off) and from the snapshot topic (snapshots on), against the number of events in the log (both axes log scale).",
    spec: {
      $schema: SCHEMA,
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'State restore vs history size',
        subtitle: 'every partition restored in turn, snapshots off vs on',
      },
      data: { values: rows },
      mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2 },
      encoding: {
        x: {
          field: 'events',
          type: 'quantitative',
          title: 'events in the log (log)',
          scale: { type: 'log' },
        },
        y: {
          field: 'seconds',
          type: 'quantitative',
          title: 'restore seconds (log)',
          scale: { type: 'log' },
        },
        color: { field: 'series', type: 'nominal', title: null },
      },
    } as TopLevelSpec,
  };
};
