import type { ExperimentResults } from '../../results/experiment-results';
import { chooseStep, consistencyOf } from '../../analysis/analyze';
import { ARCH_LABEL, type ChartSpec } from '../charts';
import { fmt, fmtBytes, fmtMs } from '../format';
import type { Block } from '../report-document';
import { chartBlock } from './chart-block';

const R = 'right' as const;
const L = 'left' as const;

/** Time to consistency and the lag left, per cell at its λ step. */
const consistencyTable = (results: ExperimentResults): Block => {
  const ttcRows = results.cells.flatMap((cell) => {
    const step = chooseStep(cell);
    if (!step) return [];
    const ttc = consistencyOf(cell);
    const lag = step.consumerLag ?? [];
    return [
      [
        ARCH_LABEL[cell.arch],
        cell.workload,
        `${cell.k} #${cell.repetition}`,
        fmt(cell.consistency?.offeredRate ?? step.offeredRate),
        ttc ? String(ttc.count) : '–',
        fmtMs(ttc?.p50),
        fmtMs(ttc?.p95),
        fmtMs(ttc?.p99),
        ttc ? String(ttc.timeouts) : '–',
        lag.length > 0
          ? lag
              .map(
                (entry) =>
                  `${entry.group}: ${entry.totalLag}${entry.timeLagMs !== undefined ? ` (${fmtMs(entry.timeLagMs)})` : ''}`,
              )
              .join(', ')
          : '–',
      ],
    ];
  });
  return ttcRows.length > 0
    ? {
        kind: 'table',
        header: [
          'architecture',
          'workload',
          'k #',
          'offered req/s',
          'probes',
          'p50',
          'p95',
          'p99',
          'not visible',
          'lag at end (records)',
        ],
        align: [L, L, R, R, R, R, R, R, R, L],
        rows: ttcRows,
      }
    : { kind: 'paragraph', text: 'Not measured.' };
};

/** Replay: events, seconds and rate per view. */
const replayTable = (results: ExperimentResults): Block => {
  return results.replay.length > 0
    ? {
        kind: 'table',
        header: ['architecture', 'view', 'events', 'seconds', 'events/s', 'status'],
        align: [L, L, R, R, R, L],
        rows: results.replay.map((entry) => [
          ARCH_LABEL[entry.arch],
          entry.view,
          String(entry.events),
          fmt(entry.seconds),
          fmt(entry.eventsPerSecond),
          entry.status === 'ok' ? 'ok' : `**failed**: ${entry.reason ?? ''}`,
        ]),
      }
    : { kind: 'paragraph', text: 'Replay was not measured.' };
};

/** Storage per state change, by component. */
const storageTable = (results: ExperimentResults): Block => {
  return results.storagePerChange.length > 0
    ? {
        kind: 'table',
        header: ['architecture', 'state changes', 'components', 'bytes per change'],
        align: [L, R, L, R],
        rows: results.storagePerChange.map((entry) => [
          ARCH_LABEL[entry.arch],
          String(entry.changes),
          Object.entries(entry.bytesByComponent)
            .map(([component, bytes]) => `${component} ${fmtBytes(bytes)}`)
            .join(', '),
          fmt(entry.bytesPerChange),
        ]),
      }
    : { kind: 'paragraph', text: 'Storage per change was not measured.' };
};

/** History and state-at queries: latency, by history length. */
const historyTable = (results: ExperimentResults): Block => {
  return results.history.length > 0
    ? {
        kind: 'table',
        header: [
          'architecture',
          'query',
          'load',
          'requests',
          'p50',
          'p95',
          'p99',
          'max',
          'p95 by history length (mean events per player)',
        ],
        align: [L, L, R, R, R, R, R, R, L],
        rows: results.history.map((entry) => [
          ARCH_LABEL[entry.arch],
          entry.query,
          entry.offeredRate === undefined ? 'none' : `${Math.round(entry.offeredRate)} req/s`,
          String(entry.requests),
          fmtMs(entry.latencyMs.p50),
          fmtMs(entry.latencyMs.p95),
          fmtMs(entry.latencyMs.p99),
          fmtMs(entry.latencyMs.max),
          (entry.byLength ?? [])
            .map((group) => `${group.meanEvents} ev: ${fmtMs(group.p95)}`)
            .join(' · ') || '–',
        ]),
      }
    : { kind: 'paragraph', text: 'History latency was not measured.' };
};

/** Time to consistency with the lag after the λ step; replay, storage per change, history latency. */
export const endStateBlocks = (
  results: ExperimentResults,
  charts: readonly ChartSpec[],
): Block[] => [
  { kind: 'heading', level: 2, text: 'Time to consistency and consumer lag' },
  consistencyTable(results),
  ...chartBlock(charts, 'time-to-consistency'),
  { kind: 'heading', level: 2, text: 'Replay, storage and history' },
  replayTable(results),
  ...chartBlock(charts, 'replay-time'),
  storageTable(results),
  ...chartBlock(charts, 'storage-per-change'),
  historyTable(results),
  ...chartBlock(charts, 'history-latency'),
  ...chartBlock(charts, 'history-length'),
];
