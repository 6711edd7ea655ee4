import { OpenLoopTally } from './open-loop-tally';

describe('OpenLoopTally', () => {
  it('counts an answer by status and label; 2xx is ok, anything below 500 decided', () => {
    const tally = new OpenLoopTally();
    tally.answer('move', 200, 0, 5);
    tally.answer('move', 409, 10, 12);
    tally.answer('get', 204, 20, 21);
    expect(tally).toMatchObject({ completed: 3, ok: 2, decided: 3, failed: 0, lastCompletion: 21 });
    expect(tally.statuses).toEqual({ '200': 1, '409': 1, '204': 1 });
    expect(tally.byLabel).toEqual({
      move: { count: 2, statuses: { '200': 1, '409': 1 } },
      get: { count: 1, statuses: { '204': 1 } },
    });
  });

  it('a 5xx or no response (status 0, counted as error) is completed but failed', () => {
    const tally = new OpenLoopTally();
    tally.answer('move', 503, 0, 1);
    tally.answer('move', 0, 0, 2);
    expect(tally).toMatchObject({ completed: 2, ok: 0, decided: 0, failed: 2 });
    expect(tally.statuses).toEqual({ '503': 1, error: 1 });
  });

  it('measures latency from the intended send time, not from when it was sent', () => {
    const tally = new OpenLoopTally();
    tally.answer('move', 200, 100, 150);
    const latency = tally.recorder.overall();
    expect(latency.count).toBe(1);
    expect(latency.max).toBeCloseTo(50, 0);
  });

  it('dropped and timed-out requests fail without completing', () => {
    const tally = new OpenLoopTally();
    tally.drop('move');
    tally.timeOut(['move', 'get']);
    expect(tally).toMatchObject({ completed: 0, failed: 3, dropped: 1, timedOut: 2 });
    expect(tally.byLabel).toEqual({
      move: { count: 2, statuses: { dropped: 1, timeout: 1 } },
      get: { count: 1, statuses: { timeout: 1 } },
    });
    expect(tally.recorder.overall().count).toBe(0);
  });
});
