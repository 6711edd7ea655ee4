import {
  compareOrder,
  compareRunOf,
  formatWriteCompare,
  summarizeComparison,
  type CompareRun,
  type Variant,
  type WriteCompareReport,
} from './write-compare';

const run = (pair: number, variant: Variant, p95Ms: number, serviceCpuMs: number): CompareRun => ({
  pair,
  variant,
  achievedPerSecond: 2000,
  p50Ms: p95Ms / 2,
  p95Ms,
  p99Ms: p95Ms * 1.5,
  failed: 0,
  serviceCpuMs,
  allCpuMs: serviceCpuMs + 0.08,
});

describe('write bench A/B series', () => {
  it('alternates the order pair by pair: A B, B A, A B', () => {
    expect(compareOrder(3).map(({ pair, variant }) => `${pair}${variant}`)).toEqual([
      '0A',
      '0B',
      '1B',
      '1A',
      '2A',
      '2B',
    ]);
  });

  it("takes the service CPU as every role's but the load generator's", () => {
    const measured = compareRunOf(1, 'B', {
      result: {
        achievedRate: 1999,
        failed: 2,
        latency: { p50: 20, p95: 40, p99: 60 },
      } as never,
      cpuMsPerCommand: { gateway: 0.2, processor: 0.15, broker: 0.1, loadgen: 0.05 },
    });
    expect(measured).toMatchObject({ pair: 1, variant: 'B', p95Ms: 40, failed: 2 });
    expect(measured.serviceCpuMs).toBeCloseTo(0.45);
    expect(measured.allCpuMs).toBeCloseTo(0.5);
  });

  it('compares pair by pair, medians per variant, and counts the pairs where B was lower', () => {
    const summary = summarizeComparison([
      run(0, 'A', 50, 0.5),
      run(0, 'B', 45, 0.52),
      run(1, 'B', 60, 0.49),
      run(1, 'A', 52, 0.47),
      run(2, 'A', 48, 0.5),
      run(2, 'B', 44, 0.55),
    ]);
    expect(summary.p95Ms.medianA).toBe(50);
    expect(summary.p95Ms.medianB).toBe(45);
    expect(summary.p95Ms.differences).toEqual([-5, 8, -4]);
    expect(summary.p95Ms.bLower).toBe(2);
    expect(summary.serviceCpuMs.bLower).toBe(0);
    expect(summary.serviceCpuMs.medianA).toBe(0.5);
  });

  it('leaves a pair cut short (interrupted) out of the differences', () => {
    const summary = summarizeComparison([
      run(0, 'A', 50, 0.5),
      run(0, 'B', 40, 0.5),
      run(1, 'B', 30, 0.4),
    ]);
    expect(summary.p95Ms.differences).toEqual([-10]);
    expect(summary.p95Ms.medianB).toBe(35);
  });

  it('prints both settings, every run and the tally', () => {
    const runs = [run(0, 'A', 50, 0.5), run(0, 'B', 45, 0.45)];
    const report: WriteCompareReport = {
      benchmark: 'write-compare',
      startedAt: '2026-12-06T00:00:00.000Z',
      machine: {
        cpus: 2,
        cpuModel: 'test',
        memoryGiB: 1,
        os: 'linux',
        node: 'v20',
        loadAverage: [1, 1, 1],
      } as never,
      settings: { target: 'es', rate: 2000, durationSec: 20, warmupSec: 10, players: 2000 },
      baseEnv: {},
      compareEnv: { QF_GATEWAY_LINGER_MS: '10' },
      runs,
      summary: summarizeComparison(runs),
    };
    const text = formatWriteCompare(report);
    expect(text).toContain('A: no extra settings');
    expect(text).toContain('B: A + QF_GATEWAY_LINGER_MS=10');
    expect(text).toMatch(/p95 ms\s+50\.0\s+45\.0\s+-5\.0\s+1 of 1/);
  });
});
