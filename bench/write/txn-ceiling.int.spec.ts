import { runTxnCeilingBench } from './txn-ceiling.bench';

describe('qf bench txn against the real broker', () => {
  it('commits transactions of every step and reports ordered percentiles', async () => {
    const lines: string[] = [];
    const report = await runTxnCeilingBench({
      streams: [1, 2],
      secondsPerStep: 1,
      recordsPerTopic: 2,
      log: (line) => lines.push(line),
    });
    expect(report.steps.map((step) => step.streams)).toEqual([1, 2]);
    for (const step of report.steps) {
      expect(step.transactions).toBeGreaterThan(0);
      expect(step.p50Ms).toBeGreaterThan(0);
      expect(step.p50Ms).toBeLessThanOrEqual(step.p95Ms);
      expect(step.p95Ms).toBeLessThanOrEqual(step.p99Ms);
      expect(step.clientCpuMsPerTransaction).toBeGreaterThan(0);
    }
    expect(lines.filter((line) => line.startsWith('step '))).toHaveLength(2);
  });
});
