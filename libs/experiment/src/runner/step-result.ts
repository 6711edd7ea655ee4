import type { OpenLoopResult } from '@qf/loadgen';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type {
  ConsumerLag,
  DiskRole,
  DiskUsage,
  StepLatency,
  MachineCpu,
  ProcessUsage,
  Saturation,
  StepBudget,
  StepResult,
} from '../results/experiment-results';
import { OCC_EXHAUSTED_STATUS } from './conflict-target';

/** Requests of a step by outcome. */
export interface RequestCounts {
  readonly sent: number;
  /** 2xx. */
  readonly succeeded: number;
  /** 4xx: domain rejections (409/422) and other refusals, valid answers counted apart. */
  readonly rejections: number;
  /** 5xx, no response, dropped by the generator's safety valve, unanswered after the drain, OCC exhaustion. */
  readonly errors: number;
  /** Of the errors: 409 PLAYER.VERSION_CONFLICT, the CRUD service's retries exhausted. */
  readonly conflicts: number;
}

/** Sorts the generator's status tally (`"201"`, `"409"`, `"503"`, `"error"`, `"timeout"`, `"dropped"`). */
export const countRequests = (
  loop: Pick<OpenLoopResult, 'scheduled' | 'statuses'>,
): RequestCounts => {
  let succeeded = 0;
  let rejections = 0;
  let errors = 0;
  let conflicts = 0;
  for (const [status, count] of Object.entries(loop.statuses)) {
    const code = Number(status);
    if (code >= 200 && code < 300) succeeded += count;
    else if (code >= 300 && code < 500) rejections += count;
    else errors += count;
    if (code === OCC_EXHAUSTED_STATUS) conflicts += count;
  }
  return { sent: loop.scheduled, succeeded, rejections, errors, conflicts };
};

/** The latency percentile the SLO is stated on. */
export const sloLatency = (latency: StepLatency, percentile: 50 | 95 | 99): number =>
  percentile === 50 ? latency.p50 : percentile === 99 ? latency.p99 : latency.p95;

/**
 * Did the step hold the SLO: the configured percentile within T^ and at most the allowed
 * share of errors? A step that got no answer at all did not.
 */
export const holdsSlo = (
  latency: StepLatency,
  counts: RequestCounts,
  slo: ExperimentConfig['slo'],
): boolean => {
  if (counts.succeeded + counts.rejections === 0) return false;
  const errorRatio = counts.sent > 0 ? counts.errors / counts.sent : 1;
  return sloLatency(latency, slo.percentile) <= slo.latencyMs && errorRatio <= slo.maxErrorRatio;
};

/** What one measured step produced, before it is judged. */
export interface StepMeasurement {
  readonly index: number;
  readonly offeredRate: number;
  readonly startedAt: string;
  /** Wall time of the resource-sampling window (measurement start to the end of the drain), seconds. */
  readonly windowSeconds: number;
  readonly loop: OpenLoopResult;
  readonly processes: readonly ProcessUsage[];
  readonly disk: readonly DiskUsage[];
  readonly consumerLag?: readonly ConsumerLag[];
  readonly saturation?: Saturation;
  readonly budget?: StepBudget;
  readonly machineCpu?: MachineCpu;
  readonly storageGrowth?: Readonly<Partial<Record<DiskRole, number>>>;
  /** Foreign CPU above which the step counts as polluted, cores. */
  readonly maxForeignCores?: number;
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** A step's record: λ from the successful answers, latencies, the SLO verdict and the resources. */
export const buildStepResult = (
  measured: StepMeasurement,
  slo: ExperimentConfig['slo'],
): StepResult => {
  const counts = countRequests(measured.loop);
  const latencyMs: StepLatency = {
    p50: measured.loop.latency.p50,
    p95: measured.loop.latency.p95,
    p99: measured.loop.latency.p99,
    max: measured.loop.latency.max,
    mean: measured.loop.latency.mean,
  };
  const durationSeconds = Math.max(
    0.001,
    measured.windowSeconds > 0 ? measured.windowSeconds : measured.loop.measuredSeconds,
  );
  return {
    index: measured.index,
    offeredRate: measured.offeredRate,
    startedAt: measured.startedAt,
    durationSeconds: round3(durationSeconds),
    status: 'ok',
    requests: counts,
    throughput: round3(counts.succeeded / Math.max(0.001, measured.loop.measuredSeconds)),
    latencyMs,
    withinSlo: holdsSlo(latencyMs, counts, slo),
    processes: measured.processes,
    disk: measured.disk,
    ...(measured.consumerLag ? { consumerLag: measured.consumerLag } : {}),
    ...(measured.saturation ? { saturation: measured.saturation } : {}),
    ...(measured.budget ? { budget: measured.budget } : {}),
    ...(measured.machineCpu ? { machineCpu: measured.machineCpu } : {}),
    ...(measured.machineCpu && measured.maxForeignCores !== undefined
      ? { polluted: measured.machineCpu.foreignCores > measured.maxForeignCores }
      : {}),
    ...(measured.storageGrowth ? { storageGrowth: measured.storageGrowth } : {}),
    latencyByOperation: measured.loop.latencyByLabel,
    operations: measured.loop.byLabel,
  };
};

/** Bytes added between two disk measurements, by role (never negative: compaction may shrink). */
export const diskGrowth = (
  before: readonly DiskUsage[],
  after: readonly DiskUsage[],
): Partial<Record<DiskRole, number>> => {
  const byRole = (disk: readonly DiskUsage[]) => {
    const sums: Partial<Record<DiskRole, number>> = {};
    for (const entry of disk) sums[entry.role] = (sums[entry.role] ?? 0) + entry.bytes;
    return sums;
  };
  const start = byRole(before);
  const end = byRole(after);
  const growth: Partial<Record<DiskRole, number>> = {};
  for (const role of Object.keys(end) as DiskRole[])
    growth[role] = Math.max(0, (end[role] ?? 0) - (start[role] ?? 0));
  return growth;
};

/** Marks a step failed with its reason; what it measured stays, it never counts as holding the SLO. */
export const failStep = (step: StepResult, reason: string): StepResult => ({
  ...step,
  status: 'failed',
  reason,
  withinSlo: false,
});

/** A step that broke before it measured anything (the fleet or the generator failed at its start). */
export const emptyFailedStep = (
  index: number,
  offeredRate: number,
  startedAt: string,
  reason: string,
): StepResult => ({
  index,
  offeredRate,
  startedAt,
  durationSeconds: 0.001,
  status: 'failed',
  reason,
  requests: { sent: 0, succeeded: 0, rejections: 0, errors: 0, conflicts: 0 },
  throughput: 0,
  latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
  withinSlo: false,
  processes: [],
  disk: [],
});

/** Index of the step that sets λ(k): the highest offered rate that held the SLO (undefined if none). */
export const bestPassingStep = (steps: readonly StepResult[]): number | undefined => {
  let best: StepResult | undefined;
  for (const step of steps) {
    if (step.status !== 'ok' || !step.withinSlo || step.superseded) continue;
    if (!best || step.offeredRate > best.offeredRate) best = step;
  }
  return best?.index;
};

/**
 * Whether a step is measured again: it was polluted by other work and missed the SLO (other
 * work can only have slowed it, so a polluted pass stands unless `rerunPassing`), and reruns
 * are left.
 */
export const needsRerun = (
  step: Pick<StepResult, 'status' | 'polluted' | 'withinSlo'>,
  pollution: Pick<ExperimentConfig['pollution'], 'maxReruns' | 'rerunPassing'>,
  rerunsSoFar: number,
): boolean =>
  step.status === 'ok' &&
  step.polluted === true &&
  (!step.withinSlo || pollution.rerunPassing) &&
  rerunsSoFar < pollution.maxReruns;
