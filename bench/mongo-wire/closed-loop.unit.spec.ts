import { percentile, round, runLoop, type LoopSpec } from './closed-loop';

const settings = { seconds: 0.05, warmupSeconds: 0, concurrency: 2, opTimeoutMs: 1000 };
const spec = (op: LoopSpec['op']): LoopSpec => ({ id: 'op', description: 'an operation', op });

describe('closed loop of the mongo-wire bench', () => {
  it('percentile is the nearest rank of ascending samples, 0 without samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile([], 50)).toBe(0);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([0.12345678], 50)).toBe(0.123);
    expect(round(2.345, 2)).toBe(2.35);
    expect(round(2.35)).toBe(2.4);
  });

  it('counts every operation, and the skips a guarded write reports, as no errors', async () => {
    let calls = 0;
    const result = await runLoop(
      spec(async () => {
        calls += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return 1;
      }),
      { ...settings, concurrency: 3 },
    );
    expect(result.operations).toBe(calls);
    expect(result.operations).toBeGreaterThan(0);
    expect(result.skipped).toBe(result.operations);
    expect(result).toMatchObject({ id: 'op', errors: 0, concurrency: 3 });
    expect(result).not.toHaveProperty('hung');
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.max);
  });

  it('an operation that never answers marks the server hung and ends the loop', async () => {
    const result = await runLoop(
      spec(() => new Promise<void>(() => undefined)),
      { ...settings, opTimeoutMs: 20 },
    );
    expect(result).toMatchObject({ operations: 0, hung: true });
    expect(result.firstError).toMatch(/no answer within 20 ms \(server hung\)/);
  });

  it('an operation that always fails gives up after 100 errors with the first one kept', async () => {
    let calls = 0;
    const result = await runLoop(
      spec(async () => {
        calls += 1;
        throw new Error(`refused #${calls}`);
      }),
      { ...settings, seconds: 60, concurrency: 1 },
    );
    expect(result).toMatchObject({ operations: 0, errors: 101 });
    expect(result.firstError).toBe('Error: refused #1');
  });
});
