import type { TopLevelSpec } from 'vega-lite';
import type { Architecture } from '../../config/experiment-config.schema';
import type { ExperimentResults } from '../../results/experiment-results';
import {
  ARCH_COLOR,
  ARCH_LABEL,
  ARCH_ORDER,
  baseConfig,
  formatNumber,
  WIDTH,
  type ChartSpec,
} from './chart-style';

export const replayChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.replay
    .filter((entry) => entry.status === 'ok')
    .map((entry) => ({
      arch: ARCH_LABEL[entry.arch],
      view: `${ARCH_LABEL[entry.arch]}: ${entry.view}`,
      seconds: entry.seconds,
      label: `${formatNumber(entry.seconds)} s · ${formatNumber(entry.eventsPerSecond)} events/s`,
    }));
  if (rows.length === 0) return undefined;
  const maxSeconds = Math.max(...rows.map((row) => row.seconds));
  return {
    id: 'replay-time',
    title: 'Replay time to rebuild each view',
    caption:
      'Wall time to rebuild each view from offset 0 into a fresh collection, with the replay rate.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH - 80,
      height: { step: 34 },
      title: {
        text: 'Replay: time to rebuild every view',
        subtitle: 'from offset 0 into a new versioned collection',
      },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar', height: 22 },
          encoding: {
            y: {
              field: 'view',
              type: 'nominal',
              title: null,
              sort: null,
              axis: { labelLimit: 260 },
            },
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 'seconds',
              scale: { domain: [0, maxSeconds * 1.6] },
            },
            color: {
              field: 'arch',
              type: 'nominal',
              title: null,
              scale: {
                domain: [ARCH_LABEL.es, ARCH_LABEL.crud],
                range: [ARCH_COLOR.es, ARCH_COLOR.crud],
              },
              legend: null,
            },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: {
            y: { field: 'view', type: 'nominal', sort: null },
            x: { field: 'seconds', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    } as TopLevelSpec,
  };
};

export const storageChart = (results: ExperimentResults): ChartSpec | undefined => {
  const shades: Record<Architecture, string[]> = {
    es: ['#0072B2', '#56B4E9', '#004c77', '#8fd0f5'],
    crud: ['#D55E00', '#E69F00', '#8f3f00', '#f0c36b'],
  };
  const domain: string[] = [];
  const range: string[] = [];
  const rows = results.storagePerChange.flatMap((entry) => {
    const total = Object.values(entry.bytesByComponent).reduce((sum, value) => sum + value, 0);
    return Object.entries(entry.bytesByComponent).map(([component, bytes], index) => {
      const name = `${entry.arch === 'es' ? 'ES' : 'CRUD'}: ${component}`;
      domain.push(name);
      range.push(shades[entry.arch][index % shades[entry.arch].length]!);
      return {
        arch: ARCH_LABEL[entry.arch],
        component: name,
        order: index,
        perChange: total > 0 ? (bytes / total) * entry.bytesPerChange : 0,
      };
    });
  });
  if (rows.length === 0) return undefined;
  const totals = results.storagePerChange.map((entry) => ({
    arch: ARCH_LABEL[entry.arch],
    perChange: entry.bytesPerChange,
    label: `${formatNumber(entry.bytesPerChange)} B/change`,
  }));
  const maxTotal = Math.max(...totals.map((row) => row.perChange));
  return {
    id: 'storage-per-change',
    title: 'Storage bytes per state change',
    caption:
      'Bytes on disk divided by the state changes stored: event log + snapshots (ES) against documents + audit log (CRUD).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH - 80,
      height: { step: 44 },
      title: {
        text: 'Storage per state change (bytes on disk)',
        subtitle: 'event log + snapshots (ES) vs document + audit log (CRUD)',
      },
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar', height: 28 },
          encoding: {
            y: { field: 'arch', type: 'nominal', title: null, sort: ARCH_ORDER },
            x: {
              field: 'perChange',
              type: 'quantitative',
              title: 'bytes per state change',
              stack: 'zero',
              scale: { domain: [0, maxTotal * 1.35] },
            },
            color: {
              field: 'component',
              type: 'nominal',
              title: null,
              scale: { domain, range },
              legend: { orient: 'right', direction: 'vertical' },
            },
            order: { field: 'order', type: 'quantitative' },
          },
        },
        {
          data: { values: totals },
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: {
            y: { field: 'arch', type: 'nominal', sort: ARCH_ORDER },
            x: { field: 'perChange', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    } as TopLevelSpec,
  };
};

export const historyChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.history.flatMap((entry) =>
    (['p50', 'p95', 'p99'] as const).map((percentile) => ({
      arch: ARCH_LABEL[entry.arch],
      query: entry.query,
      percentile,
      ms: Math.max(0.01, entry.latencyMs[percentile]),
    })),
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'history-latency',
    title: 'History and state-at queries: latency',
    caption:
      'Latency percentiles of the history and time-travel queries on each side (ES folds the event log; CRUD reads the audit log).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: { text: 'History / state-at query latency', subtitle: 'p50, p95, p99 per query' },
      data: { values: rows },
      facet: {
        column: {
          field: 'query',
          type: 'nominal',
          title: null,
          sort: ['history', 'state-at-version', 'state-at-time'],
        },
      },
      spec: {
        width: 150,
        height: 220,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'percentile', type: 'nominal', title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'arch', type: 'nominal', sort: ARCH_ORDER },
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
          color: {
            field: 'arch',
            type: 'nominal',
            title: null,
            scale: {
              domain: [ARCH_LABEL.es, ARCH_LABEL.crud],
              range: [ARCH_COLOR.es, ARCH_COLOR.crud],
            },
          },
        },
      },
    } as TopLevelSpec,
  };
};

/** History / state-at p95 against the probed players' history length, per query and side. */
export const historyLengthChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.history.flatMap((entry) =>
    (entry.byLength ?? []).map((group) => ({
      arch: ARCH_LABEL[entry.arch],
      query: entry.query,
      events: group.meanEvents,
      p95: Math.max(0.01, group.p95),
    })),
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'history-length',
    title: 'History and state-at p95 vs history length',
    caption:
      "p95 of each history and time-travel query against the mean number of events of the probed players, the players split into groups by history length (under the workload at the consistency rate when the table's load column says so).",
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: {
        text: 'History / state-at p95 vs history length',
        subtitle: 'probed players grouped by their number of events',
      },
      data: { values: rows },
      facet: {
        column: {
          field: 'query',
          type: 'nominal',
          title: null,
          sort: ['history', 'state-at-version', 'state-at-time'],
        },
      },
      spec: {
        width: 150,
        height: 220,
        mark: { type: 'line', point: { filled: true, size: 50 }, strokeWidth: 2 },
        encoding: {
          x: { field: 'events', type: 'quantitative', title: 'events per player (mean)' },
          y: { field: 'p95', type: 'quantitative', title: 'p95 (ms)' },
          color: {
            field: 'arch',
            type: 'nominal',
            title: null,
            scale: {
              domain: [ARCH_LABEL.es, ARCH_LABEL.crud],
              range: [ARCH_COLOR.es, ARCH_COLOR.crud],
            },
          },
        },
      },
    } as TopLevelSpec,
  };
};
