import type { LatencySummary } from './latency-recorder';
import type { OpenLoopResult, Progress } from './open-loop';

const fixed = (value: number, digits = 1) => value.toFixed(digits);

/** A plain-text table with right-aligned numeric columns. */
export const formatTable = (
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string => {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
};

const latencyCells = (summary: LatencySummary) => [
  fixed(summary.p50, 2),
  fixed(summary.p95, 2),
  fixed(summary.p99, 2),
  fixed(summary.p999, 2),
  fixed(summary.max, 1),
];

/** The result as a table: each operation, then the whole run (count includes dropped and timed-out requests; latencies are over the answered ones). */
export const formatResultTable = (result: OpenLoopResult): string => {
  const header = [
    'operation',
    'count',
    'ok',
    'non-2xx',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
  ];
  const rows = Object.entries(result.byLabel)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, { count, statuses }]) => {
      const okCount = Object.entries(statuses)
        .filter(([status]) => /^2\d\d$/.test(status))
        .reduce((sum, [, n]) => sum + n, 0);
      const latency = result.latencyByLabel[label];
      return [
        label,
        String(count),
        String(okCount),
        String(count - okCount),
        ...(latency ? latencyCells(latency) : ['-', '-', '-', '-', '-']),
      ];
    });
  rows.push([
    'ALL',
    String(result.scheduled),
    String(result.ok),
    String(result.scheduled - result.ok),
    ...latencyCells(result.latency),
  ]);
  return formatTable(header, rows);
};

/** One progress line: phase, rate, backlog, window latencies, ETA. */
export const formatProgress = (progress: Progress): string =>
  `[${fixed(progress.elapsedSec)}s/${fixed(progress.totalSec)}s ${progress.phase}] ${fixed(progress.rate, 0)} req/s, sent ${progress.sent}, done ${progress.completed}, in flight ${progress.inFlight}, errors ${progress.errors}; ` +
  `p50 ${fixed(progress.window.p50, 1)} ms p95 ${fixed(progress.window.p95, 1)} ms p99 ${fixed(progress.window.p99, 1)} ms; ETA ${fixed(progress.etaSec, 0)}s`;
