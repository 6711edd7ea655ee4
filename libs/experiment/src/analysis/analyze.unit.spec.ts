import type { CellResult, StepResult } from '../results/experiment-results';
import { syntheticResults } from '../testing/synthetic-results';
import { analyze, chooseStep, readVisibleRate } from './analyze';

const step = (
  index: number,
  offeredRate: number,
  withinSlo: boolean,
  status: StepResult['status'] = 'ok',
  extra: Partial<StepResult> = {},
): StepResult => ({
  index,
  offeredRate,
  startedAt: '2025-01-01T00:00:00Z',
  durationSeconds: 10,
  status,
  requests: { sent: offeredRate * 10, succeeded: offeredRate * 10, rejections: 0, errors: 0 },
  throughput: offeredRate,
  latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
  withinSlo,
  processes: [],
  disk: [],
  ...extra,
});

const cell = (steps: StepResult[], chosenStep?: number): CellResult => ({
  arch: 'es',
  workload: 'mixed',
  k: 1,
  repetition: 1,
  position: 0,
  replicas: {},
  partitions: 8,
  status: 'ok',
  steps,
  ...(chosenStep === undefined ? {} : { chosenStep }),
});

describe('chooseStep', () => {
  it('takes the highest offered rate that held the SLO', () => {
    expect(
      chooseStep(
        cell([step(0, 100, true), step(1, 400, false), step(2, 300, true), step(3, 350, false)]),
      )?.index,
    ).toBe(2);
  });

  it('honours the runner’s choice', () => {
    expect(chooseStep(cell([step(0, 100, true), step(1, 200, true)], 0))?.index).toBe(0);
  });

  it('skips steps replaced by a rerun and failed steps', () => {
    expect(
      chooseStep(
        cell([
          step(0, 100, true),
          step(1, 200, true, 'ok', { superseded: true }),
          step(2, 200, false),
        ]),
      )?.index,
    ).toBe(0);
    expect(
      chooseStep(cell([step(0, 100, true, 'failed'), step(1, 200, false), step(2, 150, false)]))
        ?.index,
    ).toBe(2);
    expect(chooseStep(cell([step(0, 100, true, 'failed')]))).toBeUndefined();
  });
});

describe('readVisibleRate', () => {
  it('is the share of probes visible within the bound, timeouts counting as not visible', () => {
    const probed = { samples: [10, 50, 150, 90], count: 4, p50: 0, p95: 0, p99: 0, timeouts: 1 };
    // 3 of 4 samples within 100 ms, and 4 of 5 probes answered: 0.75 x 4/5
    expect(readVisibleRate(probed, 100)).toBeCloseTo(0.6, 12);
  });

  it('is 1 when nothing was probed (the thesis script’s default)', () => {
    expect(readVisibleRate(undefined, 100)).toBe(1);
  });
});

describe('analyze', () => {
  const results = syntheticResults();
  const analysis = analyze(results);

  it('summarizes the repetitions of each (architecture, workload, k), with the budget cores', () => {
    expect(analysis.cells.map((entry) => `${entry.arch}:${entry.k}:${entry.n}`).sort()).toEqual([
      'crud:1:3',
      'crud:2:3',
      'crud:4:3',
      'es:1:3',
      'es:2:3',
      'es:4:3',
    ]);
    const es2 = analysis.cells.find((entry) => entry.arch === 'es' && entry.k === 2)!;
    expect(es2.cores).toBe(0.8);
    const values = es2.reps.map((rep) => rep.throughput);
    expect(es2.throughput.estimate).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 3, 9);
    expect(es2.throughput.low).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
    expect(es2.throughput.high).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
  });

  it('computes F = λ·f/C under every cost model, the provisioned one from the budget', () => {
    expect(analysis.models).toEqual(['provisioned', 'on-use', 'provisioned+ops', 'on-use+ops']);
    for (const rep of analysis.reps) {
      expect(rep.value).toBeCloseTo(1 / (1 + rep.latencyMs / 100), 12);
      for (const model of analysis.models)
        expect(rep.F[model]).toBeCloseTo(
          (rep.throughput * rep.value) / (rep.C[model] as number),
          6,
        );
      expect(rep.costs.provisioned?.quantities.cores).toBe(rep.cores);
    }
  });

  it('gives ψ for every pair with an interval and a verdict from the interval', () => {
    const es = analysis.psi.find(
      (series) => series.arch === 'es' && series.model === 'provisioned',
    )!;
    expect(es.entries.map((entry) => `${entry.k1}->${entry.k2}`)).toEqual(['1->2', '1->4', '2->4']);
    const F = (k: number) =>
      analysis.cells.find((entry) => entry.arch === 'es' && entry.k === k)!.F.provisioned!.estimate;
    const entry = es.entries[1]!;
    expect(entry.psi.estimate).toBeCloseTo(F(4) / F(1), 9);
    expect(entry.psi.low).toBeLessThanOrEqual(entry.psi.estimate);
    expect(entry.psi.high).toBeGreaterThanOrEqual(entry.psi.estimate);
    for (const series of analysis.psi)
      for (const candidate of series.entries) {
        const expected =
          candidate.psi.low >= 0.8
            ? 'scalable'
            : candidate.psi.high < 0.8
              ? 'not scalable'
              : 'undecided';
        expect(candidate.verdict).toBe(expected);
      }
    expect(analysis.verdicts[0]).toMatch(/ψ \d.* \[.*\] \(95 % interval, 3 repetitions\)/);
  });

  it('compares the architectures per k with a permutation test and per k pair by ψ ratio', () => {
    expect(
      analysis.comparisons.filter((entry) => entry.model === 'provisioned').map((entry) => entry.k),
    ).toEqual([1, 2, 4]);
    for (const entry of analysis.comparisons) {
      expect(entry.test.minAttainableP).toBeCloseTo(0.1, 9); // 2 / C(6, 3)
      expect(entry.significant).toBe(entry.test.pValue < 0.05);
    }
    expect(
      analysis.psiComparisons
        .filter((entry) => entry.model === 'provisioned')
        .map((entry) => `${entry.k1}->${entry.k2}`),
    ).toEqual(['1->2', '1->4', '2->4']);
  });

  it('fits the USL to mean λ(k) per series and projects beyond the measured k', () => {
    const fit = analysis.usl.find((series) => series.arch === 'crud')!.fit;
    expect(fit.measured.map((point) => point.k)).toEqual([1, 2, 4]);
    expect(fit.curve.filter((point) => point.projection).map((point) => point.k)).toEqual([
      5, 6, 7, 8,
    ]);
  });

  it('uses the thesis cost and value first when the config selects that variant', () => {
    const thesis = analyze(syntheticResults({ config: { metric: { variant: 'thesis' } } }));
    expect(thesis.variant).toBe('thesis');
    expect(thesis.models[0]).toBe('thesis');
    for (const rep of thesis.reps) {
      expect(rep.value).toBeCloseTo(1 / rep.latencyMs, 12);
      expect(rep.C.thesis).toBe(rep.thesis?.cost.total);
      expect(rep.thesis?.inputs.cpu).toBeGreaterThan(0);
      expect(rep.thesis?.inputs.cpu).toBeLessThan(1);
    }
    expect(
      thesis.reps
        .filter((rep) => rep.arch === 'crud')
        .every((rep) => rep.thesis?.inputs.storageRatio === 1),
    ).toBe(true);
  });
});
