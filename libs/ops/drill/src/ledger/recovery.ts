import type { DrillRecord } from './command-record';
import { isRetriableStatus } from './command-record';

/** One second of first attempts, by when they were sent. */
export interface RecoveryWindow {
  /** Start of the window, ms since the load began. */
  readonly startMs: number;
  readonly commands: number;
  /** First attempts without a decision (no answer, 5xx). */
  readonly failed: number;
  /** p99 of first-attempt latency, a failed attempt counting as endless; null for an empty window. */
  readonly p99Ms: number | null;
  /** p99 above the SLO. */
  readonly bad: boolean;
}

export interface Recovery {
  readonly windows: readonly RecoveryWindow[];
  /** p99 of first attempts in the BASELINE_MS before the fault (the service warmed up), for scale. */
  readonly baselineP99Ms: number | null;
  /**
   * From the fault to the end of the last bad window after it: how long commands failed
   * or were slower than the SLO. 0 when no window after the fault was bad.
   */
  readonly timeToRecoverMs: number;
  /** Bad windows after the fault (seconds of degraded service, not necessarily contiguous). */
  readonly badSeconds: number;
  /**
   * From the fault to the end of the last window after it in which a first attempt failed
   * (no answer, 5xx): how long commands failed, whatever their latency.
   */
  readonly failingForMs: number;
  /** Windows after the fault with at least one failed first attempt. */
  readonly failingSeconds: number;
}

/** The baseline is the last seconds before the fault: the first ones may be a cold start. */
const BASELINE_MS = 5000;

const percentile = (sorted: readonly number[], p: number): number | null => {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
};

/** Latency of a command's first attempt, endless when it got no decision. */
const firstLatency = (record: DrillRecord): { at: number; latencyMs: number } | undefined => {
  const first = record.attempts[0];
  if (!first) return undefined;
  return {
    at: first.at,
    latencyMs: isRetriableStatus(first.status) ? Number.POSITIVE_INFINITY : first.latencyMs,
  };
};

/**
 * Time to recover: the commands are put in one-second windows by when their first attempt
 * was sent; a window is bad when its p99 (a failed first attempt counting as endless) is
 * above the SLO. The service has recovered at the end of the last bad window after the fault.
 */
export const measureRecovery = (
  records: readonly DrillRecord[],
  {
    faultAtMs,
    sloMs,
    windowMs = 1000,
    fromMs = 0,
  }: { faultAtMs: number; sloMs: number; windowMs?: number; fromMs?: number },
): Recovery => {
  // Times are read from the load's start (fromMs): what came before it is set-up.
  const fault = faultAtMs - fromMs;
  const buckets = new Map<number, number[]>();
  for (const record of records) {
    const first = firstLatency(record);
    // Before fromMs (the players' registration) is set-up, not service.
    if (!first || first.at < fromMs) continue;
    const key = Math.floor((first.at - fromMs) / windowMs);
    const bucket = buckets.get(key) ?? [];
    bucket.push(first.latencyMs);
    buckets.set(key, bucket);
  }
  const keys = [...buckets.keys()].sort((a, b) => a - b);
  const windows: RecoveryWindow[] = keys.map((key) => {
    const latencies = (buckets.get(key) as number[]).sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return {
      startMs: key * windowMs,
      commands: latencies.length,
      failed: latencies.filter((latency) => latency === Number.POSITIVE_INFINITY).length,
      p99Ms: p99,
      bad: p99 !== null && p99 > sloMs,
    };
  });
  const before = records
    .map(firstLatency)
    .filter(
      (first): first is { at: number; latencyMs: number } =>
        first !== undefined &&
        first.at >= Math.max(fromMs, faultAtMs - BASELINE_MS) &&
        first.at < faultAtMs,
    )
    .map((first) => first.latencyMs)
    .sort((a, b) => a - b);
  // A window that began before the fault but reaches past it counts as after it.
  const after = windows.filter((window) => window.startMs + windowMs > fault);
  const lastBad = [...after].reverse().find((window) => window.bad);
  const lastFailing = [...after].reverse().find((window) => window.failed > 0);
  const since = (window: RecoveryWindow | undefined) =>
    window ? Math.max(0, window.startMs + windowMs - fault) : 0;
  return {
    windows,
    baselineP99Ms: percentile(before, 99),
    timeToRecoverMs: since(lastBad),
    badSeconds: (after.filter((window) => window.bad).length * windowMs) / 1000,
    failingForMs: since(lastFailing),
    failingSeconds: (after.filter((window) => window.failed > 0).length * windowMs) / 1000,
  };
};
