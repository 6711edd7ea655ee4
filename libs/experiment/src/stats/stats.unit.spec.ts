import {
  bootstrapInterval,
  mean,
  meanInterval,
  quantileSorted,
  ratioInterval,
  sideOf,
} from './bootstrap';
import { binomial, permutationTest } from './permutation-test';

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
const probit = (p: number): number => {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const q = Math.min(p, 1 - p);
  const tail = () => {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) /
      ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1)
    );
  };
  if (q < 0.02425) return p < 0.5 ? tail() : -tail();
  const r = p - 0.5;
  const s = r * r;
  return (
    ((((((a[0]! * s + a[1]!) * s + a[2]!) * s + a[3]!) * s + a[4]!) * s + a[5]!) * r) /
    (((((b[0]! * s + b[1]!) * s + b[2]!) * s + b[3]!) * s + b[4]!) * s + 1)
  );
};

/** n values at the quantiles of N(mu, sigma²): a sample with known mean and spread. */
const normalSample = (n: number, mu: number, sigma: number) =>
  Array.from({ length: n }, (_, i) => mu + sigma * probit((i + 0.5) / n));

describe('bootstrap intervals', () => {
  it('type-7 quantiles interpolate between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([10, 20], 0.025)).toBeCloseTo(10.25);
  });

  it('gives the textbook interval of a mean for a large sample (mu ± 1.96 σ/√n)', () => {
    const sample = normalSample(200, 10, 2);
    expect(mean(sample)).toBeCloseTo(10, 6);
    const interval = meanInterval(sample, { resamples: 4000, level: 0.95, seed: 7 });
    const halfWidth = (1.96 * 2) / Math.sqrt(200); // 0.277
    expect(interval.method).toBe('bootstrap');
    expect(interval.low).toBeCloseTo(10 - halfWidth, 1);
    expect(interval.high).toBeCloseTo(10 + halfWidth, 1);
    expect(Math.abs(interval.high - interval.low - 2 * halfWidth)).toBeLessThan(0.05);
  });

  it('covers the true mean in about 95 % of repeated samples', () => {
    // 100 samples of 30 from a known distribution: the percentile bootstrap should cover mu
    // about 95 % of the time (a little less at n = 30 is expected and tolerated).
    let covered = 0;
    const base = normalSample(3000, 5, 1);
    for (let trial = 0; trial < 100; trial += 1) {
      const sample = Array.from(
        { length: 30 },
        (_, i) => base[(trial * 7919 + i * 104_729) % base.length] as number,
      );
      const interval = meanInterval(sample, { resamples: 500, level: 0.95, seed: trial + 1 });
      if (interval.low <= 5 && 5 <= interval.high) covered += 1;
    }
    expect(covered / 100).toBeGreaterThan(0.85);
  });

  it('with two repetitions the 95 % interval is their range', () => {
    const interval = meanInterval([100, 120], { resamples: 4000, level: 0.95, seed: 3 });
    expect(interval.estimate).toBe(110);
    expect(interval.low).toBe(100);
    expect(interval.high).toBe(120);
  });

  it('has no width when every repetition agrees, and says so for one observation', () => {
    expect(meanInterval([3, 3, 3])).toMatchObject({ estimate: 3, low: 3, high: 3 });
    expect(meanInterval([3])).toMatchObject({
      estimate: 3,
      low: 3,
      high: 3,
      method: 'single',
      n: 1,
    });
    expect(Number.isNaN(meanInterval([]).estimate)).toBe(true);
  });

  it('gives the interval of a ratio of means, each group resampled on its own', () => {
    expect(ratioInterval([3, 3], [2, 2])).toMatchObject({ estimate: 1.5, low: 1.5, high: 1.5 });
    const interval = ratioInterval([90, 110], [100, 100], {
      resamples: 4000,
      level: 0.95,
      seed: 5,
    });
    expect(interval.estimate).toBe(1);
    expect(interval.low).toBe(0.9);
    expect(interval.high).toBe(1.1);
  });

  it('is deterministic for a seed', () => {
    const sample = normalSample(20, 0, 1);
    expect(meanInterval(sample, { resamples: 500, level: 0.9, seed: 11 })).toEqual(
      meanInterval(sample, { resamples: 500, level: 0.9, seed: 11 }),
    );
  });

  it('places an interval above, below or across a threshold', () => {
    const interval = (low: number, high: number) =>
      bootstrapInterval([[low, high]], ([m]) => m as number);
    expect(sideOf({ ...interval(0.9, 1), low: 0.85, high: 0.95 }, 0.8)).toBe('above');
    expect(sideOf({ ...interval(0.5, 0.7), low: 0.5, high: 0.7 }, 0.8)).toBe('below');
    expect(sideOf({ ...interval(0.7, 0.9), low: 0.7, high: 0.9 }, 0.8)).toBe('across');
  });
});

describe('permutation test', () => {
  it('counts binomial coefficients', () => {
    expect(binomial(4, 2)).toBe(6);
    expect(binomial(10, 5)).toBe(252);
    expect(binomial(20, 10)).toBe(184_756);
  });

  it('gives the exact p of two fully separated groups of five (2 / 252)', () => {
    const result = permutationTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(result.exact).toBe(true);
    expect(result.pValue).toBeCloseTo(2 / 252, 12);
    expect(result.minAttainableP).toBeCloseTo(2 / 252, 12);
    expect(result.observedDifference).toBe(5);
  });

  it('finds no difference between identical groups', () => {
    expect(permutationTest([5, 6, 7], [5, 6, 7]).pValue).toBe(1);
  });

  it('cannot go below 1/3 with two repetitions a side, however far apart', () => {
    const result = permutationTest([1, 2], [100, 200]);
    expect(result.pValue).toBeCloseTo(1 / 3, 12);
    expect(result.minAttainableP).toBeCloseTo(1 / 3, 12);
  });

  it('falls back to Monte Carlo for large groups and agrees with the exact answer', () => {
    const a = normalSample(9, 0, 1);
    const b = normalSample(9, 0.8, 1);
    const exact = permutationTest(a, b, { exactLimit: 100_000 }); // C(18, 9) = 48,620 relabellings
    const sampled = permutationTest(a, b, { exactLimit: 1000, samples: 20_000, seed: 9 });
    expect(exact.exact).toBe(true);
    expect(sampled.exact).toBe(false);
    expect(Math.abs(sampled.pValue - exact.pValue)).toBeLessThan(0.02);
  });
});
