import { fitUsl, uslThroughput, type UslParams } from './usl-fit';

const sample = (params: UslParams, ks: number[], noise: (k: number) => number = () => 0) =>
  ks.map((k) => ({ k, throughput: uslThroughput(params, k) * (1 + noise(k)) }));

describe('uslThroughput', () => {
  it('matches the formula by hand', () => {
    // 100·4 / (1 + 0.1·3 + 0.01·4·3) = 400 / 1.42
    expect(uslThroughput({ lambda1: 100, sigma: 0.1, kappa: 0.01 }, 4)).toBeCloseTo(400 / 1.42, 10);
    expect(uslThroughput({ lambda1: 100, sigma: 0.1, kappa: 0.01 }, 1)).toBe(100);
  });
});

describe('fitUsl', () => {
  it('recovers known σ and κ from exact data', () => {
    const truth = { lambda1: 250, sigma: 0.08, kappa: 0.004 };
    const fit = fitUsl(sample(truth, [1, 2, 4, 8, 16]), 32);
    expect(fit.method).toBe('least-squares');
    expect(fit.lambda1).toBeCloseTo(250, 3);
    expect(fit.sigma).toBeCloseTo(0.08, 4);
    expect(fit.kappa).toBeCloseTo(0.004, 5);
    expect(fit.rmse).toBeLessThan(1e-3);
    expect(fit.peakK).toBeCloseTo(Math.sqrt((1 - 0.08) / 0.004), 2);
  });

  it('recovers σ and κ approximately from noisy data', () => {
    const truth = { lambda1: 180, sigma: 0.12, kappa: 0.02 };
    const noise: Record<number, number> = {
      1: 0.01,
      2: -0.015,
      3: 0.01,
      4: -0.005,
      6: 0.012,
      8: -0.01,
    };
    const fit = fitUsl(sample(truth, [1, 2, 3, 4, 6, 8], (k) => noise[k] ?? 0));
    expect(fit.sigma).toBeGreaterThan(0.06);
    expect(fit.sigma).toBeLessThan(0.2);
    expect(fit.kappa).toBeGreaterThan(0.01);
    expect(fit.kappa).toBeLessThan(0.03);
    expect(fit.r2).toBeGreaterThan(0.98);
  });

  it('fits pure linear scaling with σ = κ = 0', () => {
    const fit = fitUsl([1, 2, 3, 4].map((k) => ({ k, throughput: 100 * k })));
    // Exactly 0, not the optimiser's 1e-17: the report prints these numbers.
    expect(fit.sigma).toBe(0);
    expect(fit.kappa).toBe(0);
    expect(fit.peakK).toBeUndefined();
    expect(fit.lambda1).toBeCloseTo(100, 6);
  });

  it('keeps σ and κ non-negative for superlinear data', () => {
    const fit = fitUsl([
      { k: 1, throughput: 100 },
      { k: 2, throughput: 230 },
      { k: 4, throughput: 500 },
    ]);
    expect(fit.sigma).toBeGreaterThanOrEqual(0);
    expect(fit.kappa).toBeGreaterThanOrEqual(0);
  });

  it('with two k fixes κ = 0, solves σ exactly and says so', () => {
    // X(2)/X(1) = 2/(1 + σ) = 1.6 -> σ = 0.25
    const fit = fitUsl([
      { k: 1, throughput: 100 },
      { k: 2, throughput: 160 },
    ]);
    expect(fit.method).toBe('exact');
    expect(fit.kappa).toBe(0);
    expect(fit.sigma).toBeCloseTo(0.25, 12);
    expect(fit.lambda1).toBeCloseTo(100, 10);
    expect(fit.rmse).toBeCloseTo(0, 8);
    expect(fit.notes.join(' ')).toMatch(/κ fixed at 0/);
  });

  it('with two k not starting at 1 still solves exactly', () => {
    const truth = { lambda1: 120, sigma: 0.3, kappa: 0 };
    const fit = fitUsl(sample(truth, [2, 4]));
    expect(fit.sigma).toBeCloseTo(0.3, 10);
    expect(fit.lambda1).toBeCloseTo(120, 8);
  });

  it('clamps a negative two-point σ (superlinear) to 0 and says so', () => {
    const fit = fitUsl([
      { k: 1, throughput: 100 },
      { k: 2, throughput: 240 },
    ]);
    expect(fit.sigma).toBe(0);
    expect(fit.notes.join(' ')).toMatch(/clamped to 0/);
  });

  it('marks points past the largest measured k as projections', () => {
    const fit = fitUsl(
      [
        { k: 1, throughput: 100 },
        { k: 2, throughput: 160 },
      ],
      6,
    );
    expect(fit.curve.map((point) => [point.k, point.projection])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, true],
      [5, true],
      [6, true],
    ]);
    // Amdahl with σ = 0.25: X(6) = 100·6/(1 + 0.25·5)
    expect(fit.curve[5]?.throughput).toBeCloseTo(600 / 2.25, 8);
  });

  it('cannot estimate σ, κ from a single k', () => {
    const fit = fitUsl([{ k: 1, throughput: 100 }]);
    expect(fit.method).toBe('insufficient-data');
    expect(fit.sigma).toBe(0);
    expect(fit.kappa).toBe(0);
  });

  it('leaves out points without a positive throughput', () => {
    const fit = fitUsl([
      { k: 1, throughput: 100 },
      { k: 2, throughput: 0 },
      { k: 4, throughput: 250 },
    ]);
    expect(fit.measured.map((point) => point.k)).toEqual([1, 4]);
    expect(fit.notes.join(' ')).toMatch(/left out/);
  });
});
