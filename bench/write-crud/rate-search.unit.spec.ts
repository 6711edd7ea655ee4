import type { CrudStepResult } from './crud-step';
import { commandCost } from './cost';
import { DEFAULT_SEARCH_GOAL, searchRate } from './rate-search';
import { statementsOf } from '@qf/player-crud';

/** A step whose p95 grows past 50 ms above `capacity` commands/s. */
const fakeStep =
  (capacity: number) =>
  async (rate: number): Promise<CrudStepResult> =>
    ({
      report: {
        result: {
          latency: { p95: rate <= capacity ? 20 : 400 },
          achievedRate: rate <= capacity ? rate : capacity,
        },
      },
      extras: {},
    }) as unknown as CrudStepResult;

describe('CRUD rate search', () => {
  it('grows while the goal holds, then bisects between the last rate that held and the first that did not', async () => {
    const { steps, best } = await searchRate(
      fakeStep(1100),
      { start: 400, factor: 1.25, max: 5000, refinements: 2, goal: DEFAULT_SEARCH_GOAL },
      () => undefined,
    );
    expect(steps.map((step) => step.rate)).toEqual([400, 500, 625, 781, 976, 1220, 1098, 1159]);
    expect(best?.rate).toBe(1098);
  });

  it('looks below the first rate when that one fails', async () => {
    const { best, steps } = await searchRate(
      fakeStep(100),
      { start: 400, factor: 1.25, max: 5000, refinements: 2, goal: DEFAULT_SEARCH_GOAL },
      () => undefined,
    );
    expect(steps.map((step) => step.rate)).toEqual([400, 200, 100]);
    expect(best?.rate).toBe(100);
  });
});

describe('cost per command', () => {
  it('divides CPU and database counts of the window by the commands decided in it', () => {
    const cost = commandCost(
      { at: 0, cpu: { a: 1, b: 2 }, mongo: { a: { update: { requests: 10, statements: 100 } } } },
      {
        at: 10_000,
        cpu: { a: 3, b: 2.5 },
        mongo: {
          a: { update: { requests: 30, statements: 1100 }, find: { requests: 5, statements: 5 } },
        },
      },
      1000,
    );
    expect(cost.cpuMsPerCommand).toEqual({ a: 2, b: 0.5 });
    expect(cost.cpuMsPerCommandTotal).toBe(2.5);
    expect(cost.cores).toBe(0.25);
    expect(cost.requestsPerCommand).toBe(0.025);
    expect(cost.statementsPerCommand).toBe(1.005);
  });

  it('counts a bulk command by its statements', () => {
    expect(statementsOf('update', { updates: [{}, {}, {}] })).toBe(3);
    expect(statementsOf('insert', { documents: [{}] })).toBe(1);
    expect(statementsOf('find', { filter: {} })).toBe(1);
  });
});
