/**
 * Percentile-bootstrap confidence intervals (Efron & Tibshirani, "An Introduction to the
 * Bootstrap", 1993, ch. 13) over repetitions: each repetition of a cell is one observation.
 * Pure and deterministic: the resampling draws from a seeded generator, so a report
 * re-rendered from the same results.json shows the same intervals.
 */
import { seededRandom } from '@qf/loadgen';

/** A point estimate with its confidence interval. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** Observations behind it (repetitions; for a ratio, the smaller group). */
  readonly n: number;
  readonly level: number;
  /** bootstrap: percentile interval of resampled estimates; single: one observation, no spread known. */
  readonly method: 'bootstrap' | 'single';
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly level: number;
  readonly seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 4000, level: 0.95, seed: 1 };

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/** Type-7 quantile (linear between order statistics) of sorted values, q in [0, 1]. */
export const quantileSorted = (sorted: readonly number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const lower = sorted[below] as number;
  const upper = sorted[above] as number;
  return lower + (upper - lower) * (position - below);
};

/** A resample with replacement of `values`, as its mean. */
const resampledMean = (values: readonly number[], random: () => number): number => {
  let sum = 0;
  for (let i = 0; i < values.length; i += 1)
    sum += values[Math.floor(random() * values.length)] as number;
  return sum / values.length;
};

/**
 * The interval of `statistic(means of the groups)`: each group (the repetitions of one cell) is
 * resampled on its own, its mean taken, and the statistic computed, `resamples` times. The
 * estimate is the statistic of the observed means. With one group it is the interval of a mean;
 * with two, e.g. ψ = mean(F at k2) / mean(F at k1).
 */
export const bootstrapInterval = (
  groups: readonly (readonly number[])[],
  statistic: (means: readonly number[]) => number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Interval => {
  const cleaned = groups.map((group) => group.filter((value) => Number.isFinite(value)));
  const n = Math.min(...cleaned.map((group) => group.length));
  const estimate = statistic(cleaned.map(mean));
  const base = { estimate, n, level: options.level };
  if (!(n > 0) || !Number.isFinite(estimate))
    return { ...base, low: Number.NaN, high: Number.NaN, method: 'single' };
  if (cleaned.every((group) => group.length === 1))
    return { ...base, low: estimate, high: estimate, method: 'single' };
  const random = seededRandom(options.seed);
  const estimates: number[] = [];
  for (let r = 0; r < options.resamples; r += 1) {
    const value = statistic(cleaned.map((group) => resampledMean(group, random)));
    if (Number.isFinite(value)) estimates.push(value);
  }
  estimates.sort((a, b) => a - b);
  const tail = (1 - options.level) / 2;
  return {
    ...base,
    low: quantileSorted(estimates, tail),
    high: quantileSorted(estimates, 1 - tail),
    method: 'bootstrap',
  };
};

/** The interval of a mean over repetitions. */
export const meanInterval = (values: readonly number[], options?: BootstrapOptions): Interval =>
  bootstrapInterval([values], ([m]) => m as number, options);

/** The interval of mean(numerator) / mean(denominator), the groups resampled independently. */
export const ratioInterval = (
  numerator: readonly number[],
  denominator: readonly number[],
  options?: BootstrapOptions,
): Interval =>
  bootstrapInterval(
    [numerator, denominator],
    ([top, bottom]) => ((bottom as number) > 0 ? (top as number) / (bottom as number) : Number.NaN),
    options,
  );

/** Does the interval lie wholly above, wholly below, or across a threshold? */
export const sideOf = (interval: Interval, threshold: number): 'above' | 'below' | 'across' =>
  interval.low >= threshold ? 'above' : interval.high < threshold ? 'below' : 'across';
