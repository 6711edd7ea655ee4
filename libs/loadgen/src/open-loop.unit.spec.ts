import { runOpenLoop, type Operation } from './open-loop';

const instant = (status: number, label = 'op'): Operation => ({ label, run: async () => status });

describe('runOpenLoop', () => {
  it('sends rate x duration requests after the warm-up and counts them by status', async () => {
    let calls = 0;
    const result = await runOpenLoop({
      rate: 500,
      durationMs: 100,
      warmupMs: 20,
      next: () => {
        calls += 1;
        return instant(calls % 5 === 0 ? 409 : 200);
      },
    });
    expect(calls).toBe(60);
    expect(result.scheduled).toBe(50);
    expect(result.completed).toBe(50);
    expect(result.ok + (result.statuses['409'] ?? 0)).toBe(50);
    expect(result.decided).toBe(50);
    expect(result.failed).toBe(0);
    expect(result.latency.count).toBe(50);
  });

  it('measures latency from the intended send time, so a stall shows in every request it delayed', async () => {
    let first = true;
    const result = await runOpenLoop({
      rate: 1000,
      durationMs: 50,
      next: () => {
        if (first) {
          first = false;
          // The generator itself is stalled for 60 ms: the requests due meanwhile are sent late.
          const until = Date.now() + 60;
          while (Date.now() < until);
        }
        return instant(200);
      },
    });
    expect(result.completed).toBe(50);
    expect(result.latency.p50).toBeGreaterThanOrEqual(10);
  });

  it('counts failures: 5xx, no response, and requests still unanswered after the drain', async () => {
    let index = 0;
    const result = await runOpenLoop({
      rate: 1000,
      durationMs: 30,
      drainTimeoutMs: 50,
      next: () => {
        index += 1;
        if (index === 1) return { label: 'hang', run: () => new Promise<number>(() => undefined) };
        if (index === 2)
          return { label: 'boom', run: async () => Promise.reject(new Error('socket hang up')) };
        return instant(index === 3 ? 503 : 200);
      },
    });
    expect(result.timedOut).toBe(1);
    expect(result.byLabel['hang']).toEqual({ count: 1, statuses: { timeout: 1 } });
    expect(result.statuses['error']).toBe(1);
    expect(result.statuses['503']).toBe(1);
    expect(result.failed).toBe(3);
    expect(result.byLabel['boom']).toEqual({ count: 1, statuses: { error: 1 } });
  });

  it('calls onMeasureStart once, when the first measured request is due', async () => {
    let calls = 0;
    let sentBeforeStart = -1;
    let sent = 0;
    await runOpenLoop({
      rate: 500,
      durationMs: 40,
      warmupMs: 20,
      onMeasureStart: () => {
        calls += 1;
        sentBeforeStart = sent;
      },
      next: () => {
        sent += 1;
        return instant(200);
      },
    });
    expect(calls).toBe(1);
    expect(sentBeforeStart).toBe(10);
  });

  it('stops scheduling when aborted and counts only what it scheduled', async () => {
    const controller = new AbortController();
    let sent = 0;
    const result = await runOpenLoop({
      rate: 1000,
      durationMs: 10_000,
      signal: controller.signal,
      next: () => {
        sent += 1;
        if (sent === 20) controller.abort();
        return instant(200);
      },
    });
    expect(result.scheduled).toBe(sent);
    expect(result.scheduled).toBeLessThan(10_000);
    expect(result.completed).toBe(result.scheduled);
  });
});
