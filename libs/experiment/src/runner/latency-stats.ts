import type { ConsistencySummary } from '../results/experiment-results';

/** Nearest-rank percentile of already sorted values (0 for none). */
export const percentileOf = (sorted: readonly number[], percentile: number): number => {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
};

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Keeps at most `limit` samples, evenly spread over the sorted values (the extremes kept). */
export const thinSorted = (sorted: readonly number[], limit: number): number[] => {
  if (sorted.length <= limit) return [...sorted];
  return Array.from(
    { length: limit },
    (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (limit - 1))] as number,
  );
};

/** Time-to-consistency probes summarised: visible ones as samples and percentiles, the rest as timeouts. */
export const summarizeConsistency = (
  visibleMs: readonly number[],
  timeouts: number,
  sampleLimit = 2000,
): ConsistencySummary => {
  const sorted = [...visibleMs].sort((a, b) => a - b);
  return {
    samples: thinSorted(sorted, sampleLimit).map(round2),
    count: sorted.length,
    p50: round2(percentileOf(sorted, 50)),
    p95: round2(percentileOf(sorted, 95)),
    p99: round2(percentileOf(sorted, 99)),
    timeouts,
  };
};
