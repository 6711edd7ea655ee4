import { syntheticResults } from '../testing/synthetic-results';
import type { CellResult, StepResult } from '../results/experiment-results';
import { analyze, chooseStep, readVisibleRate } from './analyze';

const step = (
  index: number,
  offeredRate: number,
  withinSlo: boolean,
  status: StepResult['status'] = 'ok',
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
});

const cell = (steps: StepResult[], chosenStep?: number): CellResult => ({
  arch: 'es',
  workload: 'mixed',
  k: 1,
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

  it('ignores failed steps and falls back to the lowest rate when nothing held the SLO', () => {
    expect(
      chooseStep(cell([step(0, 100, true, 'failed'), step(1, 200, false), step(2, 150, false)]))
        ?.index,
    ).toBe(2);
    expect(chooseStep(cell([step(0, 100, true, 'failed')]))).toBeUndefined();
  });
});

describe('readVisibleRate', () => {
  it('is the share of probes visible within the bound, timeouts counting as not visible', () => {
    const probed = {
      ...step(0, 1, true),
      timeToConsistency: {
        samples: [10, 50, 150, 90],
        count: 4,
        p50: 0,
        p95: 0,
        p99: 0,
        timeouts: 1,
      },
    };
    // 3 of 4 samples within 100 ms, and 4 of 5 probes answered: 0.75 x 4/5
    expect(readVisibleRate(probed, 100)).toBeCloseTo(0.6, 12);
  });

  it('is 1 when nothing was probed (the thesis script’s default)', () => {
    expect(readVisibleRate(step(0, 1, true), 100)).toBe(1);
  });
});

describe('analyze', () => {
  const results = syntheticResults();
  const analysis = analyze(results);

  it('has one point per (architecture, workload, k), ES first', () => {
    expect(analysis.points.map((point) => `${point.arch}:${point.k}`)).toEqual([
      'es:1',
      'es:2',
      'es:4',
      'crud:1',
      'crud:2',
      'crud:4',
    ]);
  });

  it('computes F = λ·f/C from the chosen step', () => {
    for (const point of analysis.points) {
      expect(point.value).toBeCloseTo(1 / (1 + point.latencyMs / 100), 12);
      expect(point.F).toBeCloseTo((point.throughput * point.value) / point.cost.total, 6);
    }
  });

  it('computes ψ for every pair as the ratio of F', () => {
    const es = analysis.psi.find((series) => series.arch === 'es')!;
    expect(es.entries.map((entry) => `${entry.k1}->${entry.k2}`)).toEqual(['1->2', '1->4', '2->4']);
    const F = (k: number) =>
      analysis.points.find((point) => point.arch === 'es' && point.k === k)!.F;
    expect(es.entries[1]?.psi).toBeCloseTo(F(4) / F(1), 12);
  });

  it('fits the USL to λ(k) per series and projects beyond the measured k', () => {
    const fit = analysis.usl.find((series) => series.arch === 'crud')!.fit;
    expect(fit.measured.map((point) => point.k)).toEqual([1, 2, 4]);
    expect(fit.curve.filter((point) => point.projection).map((point) => point.k)).toEqual([
      5, 6, 7, 8,
    ]);
  });

  it('uses the thesis cost and value when the config selects that variant', () => {
    const thesis = analyze(syntheticResults({ config: { metric: { variant: 'thesis' } } }));
    expect(thesis.variant).toBe('thesis');
    expect(thesis.variantLabel).toMatch(/thesis variant/);
    for (const point of thesis.points) {
      expect(point.value).toBeCloseTo(1 / point.latencyMs, 12);
      expect(point.costUsed).toBe(point.thesis?.cost.total);
      expect(point.thesis?.inputs.cpu).toBeGreaterThan(0);
      expect(point.thesis?.inputs.cpu).toBeLessThan(1);
    }
    const crud = thesis.points.filter((point) => point.arch === 'crud');
    expect(crud.every((point) => point.thesis?.inputs.storageRatio === 1)).toBe(true);
  });
});
