import { THESIS_PUBLISHED_PSI } from './thesis-published';
import {
  THESIS_DEFAULT_WEIGHTS,
  thesisCost,
  thesisProductivity,
  thesisValue,
} from './thesis.metric';

describe('thesis variant (lukas-karsch/thesis, performance-tests/scalability_function.py)', () => {
  // The inputs in the thesis script: its L7 time-to-consistency run of the ES-CQRS app, k1 = 300 and k2 = 400 RPS.
  const k1 = {
    rps: 300,
    dropped: 0,
    p95: 3.69 + 2.55,
    cost: { cpu: 0.2602, storageRatio: 1.6, threads: 39, dbConnections: 3, readVisibleRate: 0.76 },
  };
  const k2 = {
    rps: 400,
    dropped: 0,
    p95: 3.7 + 2.89,
    cost: { cpu: 0.3566, storageRatio: 1.6, threads: 100, dbConnections: 4, readVisibleRate: 0.02 },
  };

  it('computes the cost by hand', () => {
    // 1·0.2602 + 0.5·1.6 + 1·(39/200)² + 1·(3/10)² + 3·(1 − 0.76)⁴
    const cost = thesisCost(k1.cost);
    expect(cost.cpu).toBeCloseTo(0.2602, 12);
    expect(cost.storage).toBeCloseTo(0.8, 12);
    expect(cost.threads).toBeCloseTo(0.038025, 12);
    expect(cost.db).toBeCloseTo(0.09, 12);
    expect(cost.readVisible).toBeCloseTo(3 * 0.24 ** 4, 12);
    expect(cost.total).toBeCloseTo(1.19817828, 8);
  });

  it('reproduces the published productivities F1 = 40.1250, F2 = 14.0060 and ψ = 0.3491', () => {
    const f1 = thesisProductivity(k1.rps, k1.dropped, k1.p95, thesisCost(k1.cost).total);
    const f2 = thesisProductivity(k2.rps, k2.dropped, k2.p95, thesisCost(k2.cost).total);
    expect(f1).toBeCloseTo(40.125, 3);
    expect(f2).toBeCloseTo(14.006, 3);
    expect(f2 / f1).toBeCloseTo(0.3491, 4);
    expect(
      THESIS_PUBLISHED_PSI.find((entry) => entry.test === 'L7 time to consistency')?.esCqrs,
    ).toBe(0.3491);
  });

  it('uses f = 1/T and 0 for T = 0, as the script does', () => {
    expect(thesisValue(4)).toBe(0.25);
    expect(thesisValue(0)).toBe(0);
  });

  it('subtracts dropped requests and never goes below zero throughput', () => {
    expect(thesisProductivity(500, 100, 10, 2)).toBeCloseTo((400 * 0.1) / 2, 12);
    expect(thesisProductivity(100, 200, 10, 2)).toBe(0);
    expect(thesisProductivity(100, 0, 10, 0)).toBe(0);
  });

  it('accepts other weights and limits', () => {
    const cost = thesisCost(
      { cpu: 0.5, storageRatio: 2, threads: 50, dbConnections: 5, readVisibleRate: 0.5 },
      { ...THESIS_DEFAULT_WEIGHTS, storage: 0, readVisible: 0 },
      { threadLimit: 100, dbConnectionLimit: 5 },
    );
    expect(cost.total).toBeCloseTo(0.5 + 0 + 0.25 + 1 + 0, 12);
  });
});
