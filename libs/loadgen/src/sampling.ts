import type { Random } from '@qf/shared-config';

// One generator for the load and the test histories: it lives in @qf/shared-config.
export { seededRandom, type Random } from '@qf/shared-config';

/** Index of the first cumulative weight above r * total (binary search). */
const pick = (cumulative: Float64Array, r: number): number => {
  const target = r * (cumulative[cumulative.length - 1] as number);
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] as number) > target) high = mid;
    else low = mid + 1;
  }
  return low;
};

/** Picks items with probability proportional to their weights (weights > 0). */
export const weightedChoice = <T>(
  entries: ReadonlyArray<readonly [T, number]>,
  random: Random,
): (() => T) => {
  const items = entries.filter(([, weight]) => weight > 0);
  if (items.length === 0) throw new Error('weightedChoice needs at least one positive weight');
  const cumulative = new Float64Array(items.length);
  let sum = 0;
  items.forEach(([, weight], index) => {
    sum += weight;
    cumulative[index] = sum;
  });
  return () => (items[pick(cumulative, random())] as readonly [T, number])[0];
};

/** How players are chosen for each operation. */
export type KeyDistribution =
  { readonly kind: 'uniform' } | { readonly kind: 'zipf'; readonly exponent: number };

/**
 * A sampler of indexes in [0, n): uniform, or Zipf (index k with probability proportional
 * to 1 / (k + 1)^s: a few hot players take most of the load).
 */
export const indexSampler = (
  n: number,
  distribution: KeyDistribution,
  random: Random,
): (() => number) => {
  if (n < 1) throw new Error('indexSampler needs n >= 1');
  if (distribution.kind === 'uniform') return () => Math.min(n - 1, Math.floor(random() * n));
  const cumulative = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k += 1) {
    sum += 1 / Math.pow(k + 1, distribution.exponent);
    cumulative[k] = sum;
  }
  return () => pick(cumulative, random());
};
