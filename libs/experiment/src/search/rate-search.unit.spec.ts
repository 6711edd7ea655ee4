import { RateSearch } from './rate-search';

/** Runs a search against a system that holds the SLO up to `capacity` req/s. */
const run = (
  capacity: number,
  settings = { startRate: 100, maxRate: 1600, growthFactor: 2, bisectionSteps: 2, maxSteps: 10 },
) => {
  const search = new RateSearch(settings);
  const trace: [number, boolean][] = [];
  for (let rate = search.next(); rate !== undefined; rate = search.next()) {
    const pass = rate <= capacity;
    trace.push([rate, pass]);
    search.record(rate, pass);
  }
  return { trace, state: search.state() };
};

describe('RateSearch', () => {
  it('grows geometrically, then bisects between the last pass and the first failure', () => {
    const { trace, state } = run(330);
    expect(trace).toEqual([
      [100, true],
      [200, true],
      [400, false],
      [300, true],
      [350, false],
    ]);
    expect(state).toMatchObject({
      phase: 'done',
      bestPassing: 300,
      lowestFailing: 350,
      stopReason: 'bisection steps used up',
    });
  });

  it('stops at maxRate when the system keeps up', () => {
    const { trace, state } = run(10_000, {
      startRate: 100,
      maxRate: 1000,
      growthFactor: 2,
      bisectionSteps: 2,
      maxSteps: 10,
    });
    expect(trace.map(([rate]) => rate)).toEqual([100, 200, 400, 800, 1000]);
    expect(state.bestPassing).toBe(1000);
    expect(state.stopReason).toMatch(/maxRate/);
  });

  it('bisects below the start rate when even the first step fails', () => {
    const { trace, state } = run(30);
    expect(trace).toEqual([
      [100, false],
      [50, false],
      [25, true],
    ]);
    expect(state.bestPassing).toBe(25);
  });

  it('never measures more than maxSteps', () => {
    const { trace, state } = run(333, {
      startRate: 10,
      maxRate: 100_000,
      growthFactor: 2,
      bisectionSteps: 10,
      maxSteps: 4,
    });
    expect(trace).toHaveLength(4);
    expect(state.stopReason).toMatch(/maxSteps/);
  });

  it('stops bisecting when the bracket is narrower than the resolution', () => {
    const { trace } = run(1010, {
      startRate: 1000,
      maxRate: 5000,
      growthFactor: 1.02,
      bisectionSteps: 10,
      maxSteps: 50,
    });
    // 1000 passes, 1020 fails: a 2 % bracket is below the 5 % resolution.
    expect(trace).toEqual([
      [1000, true],
      [1020, false],
    ]);
  });

  it('refuses to record after the end and rejects bad settings', () => {
    const search = new RateSearch({
      startRate: 10,
      maxRate: 10,
      growthFactor: 2,
      bisectionSteps: 0,
      maxSteps: 1,
    });
    search.record(10, true);
    expect(search.next()).toBeUndefined();
    expect(() => search.record(10, true)).toThrow(/over/);
    expect(
      () =>
        new RateSearch({
          startRate: 10,
          maxRate: 5,
          growthFactor: 2,
          bisectionSteps: 0,
          maxSteps: 1,
        }),
    ).toThrow(RangeError);
  });
});
