/**
 * A two-sided permutation test of the difference of two means (Fisher–Pitman): under the null
 * hypothesis the group labels are exchangeable, so the p-value is the share of relabellings
 * whose |mean(a) − mean(b)| is at least the observed one. Exact (every relabelling) up to
 * `exactLimit` relabellings, Monte Carlo beyond. Distribution-free, so it suits a handful of
 * repetitions; with few of them the smallest attainable p is large, and the result says so.
 */
import { seededRandom } from '@qf/loadgen';
import { mean } from './bootstrap';

export interface PermutationTest {
  readonly pValue: number;
  /** The smallest p-value these group sizes can give at all (2 / C(n, k) for equal sizes). */
  readonly minAttainableP: number;
  readonly observedDifference: number;
  readonly relabellings: number;
  readonly exact: boolean;
}

/** C(n, k), exact for the sizes used here. */
export const binomial = (n: number, k: number): number => {
  let result = 1;
  for (let i = 1; i <= k; i += 1) result = (result * (n - k + i)) / i;
  return Math.round(result);
};

/** Every k-subset of 0..n-1, in lexicographic order. */
function* subsets(n: number, k: number): Generator<number[]> {
  const chosen = Array.from({ length: k }, (_, i) => i);
  while (true) {
    yield chosen;
    let i = k - 1;
    while (i >= 0 && chosen[i] === n - k + i) i -= 1;
    if (i < 0) return;
    chosen[i] = (chosen[i] as number) + 1;
    for (let j = i + 1; j < k; j += 1) chosen[j] = (chosen[j - 1] as number) + 1;
  }
}

export const permutationTest = (
  a: readonly number[],
  b: readonly number[],
  options: { exactLimit?: number; samples?: number; seed?: number } = {},
): PermutationTest => {
  const pooled = [...a, ...b];
  const n = pooled.length;
  const k = a.length;
  const total = pooled.reduce((sum, value) => sum + value, 0);
  const observed = Math.abs(mean(a) - mean(b));
  const differenceOf = (sumA: number) => Math.abs(sumA / k - (total - sumA) / (n - k));
  // Ties within floating-point noise count as "at least as extreme".
  const atLeast = (value: number) => value >= observed - 1e-12 * Math.max(1, Math.abs(observed));
  const combinations = binomial(n, k);
  const minAttainableP = (k === n - k ? 2 : 1) / combinations;
  if (k === 0 || k === n)
    return { pValue: 1, minAttainableP: 1, observedDifference: 0, relabellings: 1, exact: true };
  const exactLimit = options.exactLimit ?? 20_000;
  if (combinations <= exactLimit) {
    let extreme = 0;
    for (const subset of subsets(n, k)) {
      const sumA = subset.reduce((sum, index) => sum + (pooled[index] as number), 0);
      if (atLeast(differenceOf(sumA))) extreme += 1;
    }
    return {
      pValue: extreme / combinations,
      minAttainableP,
      observedDifference: observed,
      relabellings: combinations,
      exact: true,
    };
  }
  const samples = options.samples ?? 10_000;
  const random = seededRandom(options.seed ?? 1);
  let extreme = 0;
  const indices = pooled.map((_, index) => index);
  for (let s = 0; s < samples; s += 1) {
    // Partial Fisher–Yates: the first k indices form the relabelled group a.
    let sumA = 0;
    for (let i = 0; i < k; i += 1) {
      const j = i + Math.floor(random() * (n - i));
      [indices[i], indices[j]] = [indices[j] as number, indices[i] as number];
      sumA += pooled[indices[i] as number] as number;
    }
    if (atLeast(differenceOf(sumA))) extreme += 1;
  }
  return {
    // The observed labelling is one of the relabellings (Phipson & Smyth 2010).
    pValue: (extreme + 1) / (samples + 1),
    minAttainableP,
    observedDifference: observed,
    relabellings: samples,
    exact: false,
  };
};
