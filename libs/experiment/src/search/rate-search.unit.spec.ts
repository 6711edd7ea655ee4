import fc from 'fast-check';
import {
  bracketResolved,
  RateSearch,
  startRateFor,
  type RateSearchSettings,
  type SearchSeed,
} from './rate-search';

const SETTINGS: RateSearchSettings = {
  startRate: 50,
  maxRate: 1600,
  minRate: 5,
  growthFactor: 2,
  seedSpread: 0.1,
  resolution: 0.05,
  resolutionRate: 10,
  maxSteps: 20,
};

/** Runs a search against a system that holds the SLO up to `capacity` req/s. */
const run = (capacity: number, settings: Partial<RateSearchSettings> = {}, seed?: SearchSeed) => {
  const search = new RateSearch({ ...SETTINGS, ...settings }, seed);
  const trace: [number, boolean][] = [];
  for (let rate = search.next(); rate !== undefined; rate = search.next()) {
    const pass = rate <= capacity;
    trace.push([rate, pass]);
    search.record(rate, pass);
  }
  return { trace, state: search.state() };
};

describe('RateSearch', () => {
  it('brackets from the start rate, then bisects until the bracket is within 5 %', () => {
    const { trace, state } = run(330);
    expect(trace).toEqual([
      [50, true],
      [100, true],
      [200, true],
      [400, false],
      [300, true],
      [350, false],
      [325, true],
      [338, false],
    ]);
    expect(state).toMatchObject({ phase: 'done', low: 325, high: 338, converged: true });
    expect(state.stopReason).toMatch(/within the resolution/);
    expect(338 - 325).toBeLessThanOrEqual(0.05 * 325);
  });

  it('takes the absolute resolution when it is the looser one', () => {
    const { state } = run(60, { resolutionRate: 10 });
    expect(state.converged).toBe(true);
    expect((state.high as number) - (state.low as number)).toBeLessThanOrEqual(10);
    expect(state.low).toBeLessThanOrEqual(60);
    expect(state.high).toBeGreaterThan(60);
  });

  it('starts at a seed and brackets it in small moves', () => {
    const { trace, state } = run(330, {}, { rate: 320, source: 'repetition 1' });
    expect(trace).toEqual([
      [320, true],
      [352, false],
      [336, false],
    ]);
    expect(state).toMatchObject({ low: 320, high: 336, converged: true, seed: { rate: 320 } });
  });

  it('doubles the move away from a seed while the outcome repeats', () => {
    const { trace } = run(100, {}, { rate: 200, source: 'previous k' });
    // 200 → /1.1 → /1.2 → /1.4 → /1.8: moves that double until the SLO holds.
    expect(trace.slice(0, 5).map(([rate, pass]) => [rate, pass])).toEqual([
      [200, false],
      [182, false],
      [152, false],
      [109, false],
      [61, true],
    ]);
  });

  it('stops at maxRate when the system keeps up', () => {
    const { trace, state } = run(10_000, { maxRate: 1000 });
    expect(trace.map(([rate]) => rate)).toEqual([50, 100, 200, 400, 800, 1000]);
    expect(state).toMatchObject({ low: 1000, converged: false });
    expect(state.stopReason).toMatch(/maxRate/);
  });

  it('goes down from the start rate and gives up at minRate', () => {
    const { trace, state } = run(2);
    expect(trace.map(([rate]) => rate)).toEqual([50, 25, 13, 7, 5]);
    expect(state).toMatchObject({ high: 5, converged: false });
    expect(state.low).toBeUndefined();
    expect(state.stopReason).toMatch(/minRate/);
  });

  it('stops after maxSteps, saying how far it got', () => {
    const { trace, state } = run(330, { maxSteps: 3 });
    expect(trace).toHaveLength(3);
    expect(state.converged).toBe(false);
    expect(state.stopReason).toMatch(/maxSteps \(3\) with no failing rate above 200/);
  });

  it('refuses settings that cannot work', () => {
    expect(() => new RateSearch({ ...SETTINGS, minRate: 100, startRate: 50 })).toThrow(RangeError);
    expect(() => new RateSearch({ ...SETTINGS, growthFactor: 1 })).toThrow(RangeError);
    const search = run(100).state;
    expect(search.phase).toBe('done');
  });

  it('always ends with a resolved bracket around any capacity within the rate range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 1500 }),
        fc.option(fc.integer({ min: 5, max: 1600 }), { nil: undefined }),
        (capacity, seed) => {
          const { state, trace } = run(
            capacity,
            { maxSteps: 40 },
            seed === undefined ? undefined : { rate: seed, source: 'test' },
          );
          expect(state.converged).toBe(true);
          const low = state.low as number;
          const high = state.high as number;
          expect(low).toBeLessThanOrEqual(capacity);
          expect(high).toBeGreaterThan(capacity);
          expect(bracketResolved(low, high, SETTINGS) || high - low <= 1).toBe(true);
          expect(trace.length).toBeLessThanOrEqual(16);
        },
      ),
    );
  });
});

describe('startRateFor', () => {
  it("scales the configured start (per unit of budget) by the cell's cores, per architecture", () => {
    expect(startRateFor(SETTINGS, 'es', 0.8, 0.4)).toBe(100);
    const perArch = { ...SETTINGS, startRate: { es: 14, crud: 55 } };
    expect(startRateFor(perArch, 'es', 0.4, 0.4)).toBe(14);
    expect(startRateFor(perArch, 'crud', 0.8, 0.4)).toBe(110);
  });

  it('stays within minRate and maxRate', () => {
    expect(startRateFor({ ...SETTINGS, maxRate: 60 }, 'es', 1.6, 0.4)).toBe(60);
    expect(startRateFor({ ...SETTINGS, startRate: 1 }, 'es', 0.4, 0.4)).toBe(5);
  });
});
