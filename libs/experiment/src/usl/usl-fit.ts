/**
 * Universal Scalability Law (N. Gunther): X(k) = λ1·k / (1 + σ(k-1) + κ·k(k-1)).
 * σ is contention (serialisation), κ coherency (crosstalk); both >= 0. Least squares on
 * throughput; for fixed (σ, κ) the best λ1 is closed-form, so only (σ, κ) are searched: a coarse
 * grid, then Nelder-Mead on (√σ, √κ), which keeps both non-negative without clamping.
 */

export interface UslPoint {
  readonly k: number;
  readonly throughput: number;
}

export interface UslParams {
  readonly lambda1: number;
  readonly sigma: number;
  readonly kappa: number;
}

export interface UslCurvePoint {
  readonly k: number;
  readonly throughput: number;
  /** true beyond the largest measured k: an extrapolation, not a measurement. */
  readonly projection: boolean;
}

export interface UslFit extends UslParams {
  /** exact: as many unknowns as points; least-squares: more points than unknowns. */
  readonly method: 'least-squares' | 'exact' | 'insufficient-data';
  /** Root mean square error of the fit at the measured k (same unit as throughput). */
  readonly rmse: number;
  /** Coefficient of determination (undefined with fewer than 3 points). */
  readonly r2?: number;
  /** k of peak throughput, sqrt((1-σ)/κ), when κ > 0. */
  readonly peakK?: number;
  /** What the reader must know about this fit (fixed κ, clamped σ, ...). */
  readonly notes: readonly string[];
  readonly measured: readonly UslPoint[];
  /** The fitted curve at integer k from 1 to `projectToK`; points past the measured range are projections. */
  readonly curve: readonly UslCurvePoint[];
}

/** X(k) for given parameters. */
export const uslThroughput = (params: UslParams, k: number): number =>
  (params.lambda1 * k) / (1 + params.sigma * (k - 1) + params.kappa * k * (k - 1));

const shape = (sigma: number, kappa: number, k: number) =>
  k / (1 + sigma * (k - 1) + kappa * k * (k - 1));

/** Best λ1 for fixed σ, κ: minimises Σ (x - λ1·g)^2 -> λ1 = Σ x·g / Σ g². */
const bestLambda1 = (points: readonly UslPoint[], sigma: number, kappa: number): number => {
  let num = 0;
  let den = 0;
  for (const point of points) {
    const g = shape(sigma, kappa, point.k);
    num += point.throughput * g;
    den += g * g;
  }
  return den > 0 ? Math.max(0, num / den) : 0;
};

const sse = (points: readonly UslPoint[], params: UslParams): number =>
  points.reduce((sum, point) => sum + (point.throughput - uslThroughput(params, point.k)) ** 2, 0);

const withLambda = (points: readonly UslPoint[], sigma: number, kappa: number): UslParams => ({
  lambda1: bestLambda1(points, sigma, kappa),
  sigma,
  kappa,
});

/** Minimises f over R^2 with the Nelder-Mead simplex (standard coefficients). */
const nelderMead = (
  f: (x: readonly [number, number]) => number,
  start: readonly [number, number],
  step: number,
  iterations = 400,
): [number, number] => {
  type Vertex = { x: [number, number]; value: number };
  const make = (x: [number, number]): Vertex => ({ x, value: f(x) });
  let simplex: Vertex[] = [
    make([start[0], start[1]]),
    make([start[0] + step, start[1]]),
    make([start[0], start[1] + step]),
  ];
  const combine = (a: [number, number], b: [number, number], t: number): [number, number] => [
    a[0] + t * (b[0] - a[0]),
    a[1] + t * (b[1] - a[1]),
  ];
  for (let i = 0; i < iterations; i += 1) {
    simplex.sort((a, b) => a.value - b.value);
    const [best, middle, worst] = simplex as [Vertex, Vertex, Vertex];
    if (Math.abs(worst.value - best.value) <= 1e-14 * (1 + Math.abs(best.value))) break;
    const centroid: [number, number] = [
      (best.x[0] + middle.x[0]) / 2,
      (best.x[1] + middle.x[1]) / 2,
    ];
    const reflected = make(combine(centroid, worst.x, -1));
    if (reflected.value < best.value) {
      const expanded = make(combine(centroid, worst.x, -2));
      simplex = [best, middle, expanded.value < reflected.value ? expanded : reflected];
    } else if (reflected.value < middle.value) {
      simplex = [best, middle, reflected];
    } else {
      const contracted = make(
        combine(centroid, worst.x, reflected.value < worst.value ? -0.5 : 0.5),
      );
      if (contracted.value < Math.min(worst.value, reflected.value)) {
        simplex = [best, middle, contracted];
      } else {
        simplex = [best, make(combine(best.x, middle.x, 0.5)), make(combine(best.x, worst.x, 0.5))];
      }
    }
  }
  simplex.sort((a, b) => a.value - b.value);
  return simplex[0]!.x;
};

const curveOf = (params: UslParams, largestMeasured: number, projectToK: number): UslCurvePoint[] =>
  Array.from({ length: Math.max(projectToK, largestMeasured) }, (_, index) => {
    const k = index + 1;
    return { k, throughput: uslThroughput(params, k), projection: k > largestMeasured };
  });

const statistics = (points: readonly UslPoint[], params: UslParams) => {
  const error = sse(points, params);
  const rmse = Math.sqrt(error / points.length);
  if (points.length < 3) return { rmse };
  const mean = points.reduce((sum, point) => sum + point.throughput, 0) / points.length;
  const total = points.reduce((sum, point) => sum + (point.throughput - mean) ** 2, 0);
  return { rmse, r2: total > 0 ? 1 - error / total : 1 };
};

/**
 * Fits the USL to measured throughput per k (points with throughput <= 0 or non-finite values are
 * ignored). One point: λ1 only (σ = κ = 0). Two points: κ is fixed at 0 and σ, λ1 solve exactly.
 * Three or more: least squares over λ1, σ, κ >= 0.
 */
export const fitUsl = (input: readonly UslPoint[], projectToK = 8): UslFit => {
  const points = [...input]
    .filter((point) => Number.isFinite(point.throughput) && point.throughput > 0 && point.k >= 1)
    .sort((a, b) => a.k - b.k);
  const notes: string[] = [];
  if (points.length < input.length)
    notes.push(
      `${input.length - points.length} point(s) without a positive throughput were left out of the fit`,
    );
  const distinctK = new Set(points.map((point) => point.k)).size;
  const largest = points[points.length - 1]?.k ?? 1;

  if (points.length === 0) {
    return {
      lambda1: 0,
      sigma: 0,
      kappa: 0,
      method: 'insufficient-data',
      rmse: 0,
      notes: [...notes, 'no measured point: nothing to fit'],
      measured: points,
      curve: [],
    };
  }

  const finish = (params: UslParams, method: UslFit['method']): UslFit => {
    const peakK =
      params.kappa > 0 && params.sigma < 1
        ? Math.sqrt((1 - params.sigma) / params.kappa)
        : undefined;
    return {
      ...params,
      method,
      ...statistics(points, params),
      ...(peakK === undefined ? {} : { peakK }),
      notes,
      measured: points,
      curve: curveOf(params, largest, projectToK),
    };
  };

  if (distinctK === 1) {
    notes.push(
      'one k measured: σ and κ cannot be estimated (set to 0); the projection is linear and says nothing',
    );
    return finish(withLambda(points, 0, 0), 'insufficient-data');
  }

  if (distinctK === 2) {
    // Two equations, three unknowns: fix κ = 0 (Amdahl's law) and solve σ and λ1 exactly.
    notes.push(
      'two k measured: κ fixed at 0 (Amdahl form) so that σ and λ1 are exactly determined; coherency cost cannot be seen',
    );
    const [a, b] = [points[0]!, points[points.length - 1]!];
    const r = (b.throughput * a.k) / (a.throughput * b.k);
    const denominator = r * (b.k - 1) - (a.k - 1);
    let sigma = denominator !== 0 ? (1 - r) / denominator : 0;
    if (!(sigma >= 0)) {
      notes.push(
        `the exact σ is negative (${sigma.toFixed(3)}: superlinear scaling); clamped to 0`,
      );
      sigma = 0;
    }
    return finish(withLambda(points, sigma, 0), points.length === 2 ? 'exact' : 'least-squares');
  }

  // Least squares on (σ, κ) with λ1 profiled out; optimise in u = √σ, v = √κ so both stay >= 0.
  const objective = ([u, v]: readonly [number, number]) =>
    sse(points, withLambda(points, u * u, v * v));
  const grid = [0, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 0.7, 1];
  let start: [number, number] = [0, 0];
  let startValue = Number.POSITIVE_INFINITY;
  for (const sigma of grid) {
    for (const kappa of grid) {
      const value = objective([Math.sqrt(sigma), Math.sqrt(kappa)]);
      if (value < startValue) {
        startValue = value;
        start = [Math.sqrt(sigma), Math.sqrt(kappa)];
      }
    }
  }
  const [u, v] = nelderMead(objective, start, 0.05);
  const [sigma, kappa] =
    objective([u, v]) <= startValue ? [u * u, v * v] : [start[0] ** 2, start[1] ** 2];
  // Values this small are the optimiser's rounding of a bound, not a finding: report them as 0.
  const snap = (value: number) => (value < 1e-9 ? 0 : value);
  const best = withLambda(points, snap(sigma), snap(kappa));
  if (distinctK === 3)
    notes.push(
      'three k measured: as many points as unknowns (λ1, σ, κ), so the fit passes through them when σ, κ >= 0 allow it; nothing is left to check it against',
    );
  return finish(best, 'least-squares');
};
