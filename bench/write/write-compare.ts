import { formatTable, machineInfo, type MachineInfo } from '@qf/loadgen';
import { runWriteBench, type WriteBenchOptions, type WriteBenchReport } from './write.bench';

/** Which setting a run used: A the base environment, B the base plus the compared settings. */
export type Variant = 'A' | 'B';

/**
 * The order of the runs of `pairs` alternating pairs: A B, B A, A B … Alternating cancels a
 * machine that drifts (warms up, or slows as other work starts) across the series, which a
 * block of A runs followed by a block of B runs would credit to the setting.
 */
export const compareOrder = (pairs: number): Array<{ pair: number; variant: Variant }> => {
  const order: Array<{ pair: number; variant: Variant }> = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    const first: Variant = pair % 2 === 0 ? 'A' : 'B';
    order.push({ pair, variant: first }, { pair, variant: first === 'A' ? 'B' : 'A' });
  }
  return order;
};

/** What one run of the series measured (the figures a setting is judged by). */
export interface CompareRun {
  readonly pair: number;
  readonly variant: Variant;
  readonly achievedPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly failed: number;
  /** CPU ms per command of the services (every role but the load generator). */
  readonly serviceCpuMs: number;
  /** The same, the load generator included. */
  readonly allCpuMs: number;
  /** The run's own report file, when written. */
  readonly report?: string;
}

export const compareRunOf = (
  pair: number,
  variant: Variant,
  report: Pick<WriteBenchReport, 'result' | 'cpuMsPerCommand'>,
): CompareRun => {
  const cpu = Object.entries(report.cpuMsPerCommand);
  const all = cpu.reduce((sum, [, value]) => sum + value, 0);
  const loadgen = report.cpuMsPerCommand['loadgen'] ?? 0;
  return {
    pair,
    variant,
    achievedPerSecond: report.result.achievedRate,
    p50Ms: report.result.latency.p50,
    p95Ms: report.result.latency.p95,
    p99Ms: report.result.latency.p99,
    failed: report.result.failed,
    serviceCpuMs: all - loadgen,
    allCpuMs: all,
  };
};

const FIGURES = ['p50Ms', 'p95Ms', 'p99Ms', 'serviceCpuMs'] as const;
type Figure = (typeof FIGURES)[number];

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Per figure: the medians of A and B, B − A per pair, and in how many pairs B was lower. */
export interface FigureComparison {
  readonly medianA: number;
  readonly medianB: number;
  /** B − A within each complete pair, in pair order. */
  readonly differences: readonly number[];
  /** Pairs in which B's figure was lower than A's (lower is better for every figure here). */
  readonly bLower: number;
}

export type CompareSummary = Record<Figure, FigureComparison>;

/** Compares the runs pair by pair (a pair missing a run is left out of the differences). */
export const summarizeComparison = (runs: readonly CompareRun[]): CompareSummary => {
  const pairs = new Map<number, Partial<Record<Variant, CompareRun>>>();
  for (const run of runs) pairs.set(run.pair, { ...pairs.get(run.pair), [run.variant]: run });
  const complete = [...pairs.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, pair]) => pair)
    .filter((pair): pair is Record<Variant, CompareRun> => !!pair.A && !!pair.B);
  const of = (variant: Variant, figure: Figure) =>
    runs.filter((run) => run.variant === variant).map((run) => run[figure]);
  const summary = {} as Record<Figure, FigureComparison>;
  for (const figure of FIGURES) {
    const differences = complete.map((pair) => pair.B[figure] - pair.A[figure]);
    summary[figure] = {
      medianA: of('A', figure).length > 0 ? median(of('A', figure)) : Number.NaN,
      medianB: of('B', figure).length > 0 ? median(of('B', figure)) : Number.NaN,
      differences,
      bLower: differences.filter((difference) => difference < 0).length,
    };
  }
  return summary;
};

export interface WriteCompareReport {
  readonly benchmark: 'write-compare';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Record<string, unknown>;
  /** The environment of every run (A), and what B adds to it. */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly compareEnv: Readonly<Record<string, string>>;
  readonly runs: readonly CompareRun[];
  readonly summary: CompareSummary;
}

export interface CompareOptions {
  readonly pairs: number;
  /** Added to the base environment for the B runs. */
  readonly compareEnv: Readonly<Record<string, string>>;
  /** Writes one run's report; returns where (kept in the series' report). */
  readonly saveRun?: (report: WriteBenchReport) => string;
  readonly signal?: AbortSignal;
}

const envText = (env: Readonly<Record<string, string>>) =>
  Object.entries(env)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ') || 'no extra settings';

/**
 * `qf bench write --compare-env NAME=VALUE --pairs N`: the same single-rate run, alternately
 * with the base settings (A) and with the compared ones added (B), each run on services
 * started for it, then the medians and the pair-by-pair differences. One pair says little on
 * a shared machine (single runs' p95 moved 2× within minutes, ADR 0015); CPU per command moves
 * much less, so a setting is judged by how many pairs agree, not by one.
 */
export const runWriteCompare = async (
  bench: WriteBenchOptions,
  options: CompareOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<WriteCompareReport> => {
  if (bench.fleet || bench.baseUrl)
    throw new Error(
      'a comparison starts the services with each setting: it cannot drive a running fleet or URL',
    );
  const startedAt = new Date().toISOString();
  const baseEnv = bench.serviceEnv ?? {};
  const order = compareOrder(options.pairs);
  const runs: CompareRun[] = [];
  const started = Date.now();
  for (const [index, { pair, variant }] of order.entries()) {
    if (options.signal?.aborted) break;
    const env = variant === 'A' ? baseEnv : { ...baseEnv, ...options.compareEnv };
    log(`run ${index + 1}/${order.length}: pair ${pair + 1}, ${variant} (${envText(env)})`);
    const report = await runWriteBench({ ...bench, serviceEnv: env }, (line) => log(`  ${line}`));
    const saved = options.saveRun?.(report);
    const run = { ...compareRunOf(pair, variant, report), ...(saved ? { report: saved } : {}) };
    runs.push(run);
    const elapsed = (Date.now() - started) / 1000;
    const eta = (elapsed / (index + 1)) * (order.length - index - 1);
    log(
      `  ${variant}: ${Math.round(run.achievedPerSecond)}/s, p50 ${run.p50Ms.toFixed(1)} / p95 ${run.p95Ms.toFixed(1)} / p99 ${run.p99Ms.toFixed(1)} ms, services ${run.serviceCpuMs.toFixed(3)} ms CPU/command; ETA ${Math.round(eta)}s`,
    );
  }
  return {
    benchmark: 'write-compare',
    startedAt,
    machine: machineInfo(),
    settings: {
      target: bench.target,
      rate: bench.rate,
      durationSec: bench.durationSec,
      warmupSec: bench.warmupSec,
      players: bench.players,
      distribution: bench.distribution,
      partitions: bench.partitions,
      processors: bench.processors,
      pairs: options.pairs,
    },
    baseEnv,
    compareEnv: options.compareEnv,
    runs,
    summary: summarizeComparison(runs),
  };
};

const LABELS: Record<Figure, string> = {
  p50Ms: 'p50 ms',
  p95Ms: 'p95 ms',
  p99Ms: 'p99 ms',
  serviceCpuMs: 'CPU ms/command (services)',
};

/** The series as text: every run, then per figure the medians, B − A per pair and the tally. */
export const formatWriteCompare = (report: WriteCompareReport): string => {
  const { machine, settings } = report;
  const runRows = report.runs.map((run) => [
    String(run.pair + 1),
    run.variant,
    String(Math.round(run.achievedPerSecond)),
    run.p50Ms.toFixed(1),
    run.p95Ms.toFixed(1),
    run.p99Ms.toFixed(1),
    String(run.failed),
    run.serviceCpuMs.toFixed(3),
    run.allCpuMs.toFixed(3),
  ]);
  const pairs = Math.max(...FIGURES.map((figure) => report.summary[figure].differences.length));
  const summaryRows = FIGURES.map((figure) => {
    const { medianA, medianB, differences, bLower } = report.summary[figure];
    const digits = figure === 'serviceCpuMs' ? 3 : 1;
    return [
      LABELS[figure],
      medianA.toFixed(digits),
      medianB.toFixed(digits),
      differences.map((value) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`).join(', '),
      `${bLower} of ${pairs}`,
    ];
  });
  return [
    `write bench, A/B in alternating pairs: ${String(settings['target'])} at ${String(settings['rate'])}/s, ${String(settings['durationSec'])} s each (+${String(settings['warmupSec'])} s warm-up), ${String(settings['players'])} players`,
    `A: ${envText(report.baseEnv)}`,
    `B: A + ${envText(report.compareEnv)}`,
    `machine: ${machine.cpus} x ${machine.cpuModel}, load ${machine.loadAverage.join(' ')}; every process shares these cores`,
    '',
    formatTable(
      [
        'pair',
        'run',
        'achieved/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'failed',
        'services CPU',
        'all CPU',
      ],
      runRows,
    ),
    '',
    formatTable(['figure', 'median A', 'median B', 'B − A per pair', 'B lower in'], summaryRows),
  ].join('\n');
};
