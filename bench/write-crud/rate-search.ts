import { formatTable } from '@qf/loadgen';
import type { CrudStepResult } from './crud-step';

/** The SLO a searched rate must hold: p95 decision latency, and (almost) every command answered. */
export interface SearchGoal {
  readonly p95Ms: number;
  /** Achieved / intended at least this (an overloaded run falls behind its schedule). */
  readonly minAchievedRatio: number;
}

export const DEFAULT_SEARCH_GOAL: SearchGoal = { p95Ms: 50, minAchievedRatio: 0.97 };

export interface SearchStep {
  readonly rate: number;
  readonly holds: boolean;
  readonly p95Ms: number;
  readonly achieved: number;
  readonly result: CrudStepResult;
}

export const holdsGoal = (result: CrudStepResult, rate: number, goal: SearchGoal): boolean => {
  const { latency, achievedRate } = result.report.result;
  return latency.p95 <= goal.p95Ms && achievedRate >= rate * goal.minAchievedRatio;
};

/**
 * The highest rate that holds the goal: rates grow by `factor` from `start` while the goal
 * holds, then the interval between the last rate that held and the first that did not is
 * halved `refinements` times. Steps run one after another on the same fleet.
 */
export const searchRate = async (
  step: (rate: number) => Promise<CrudStepResult>,
  options: {
    readonly start: number;
    readonly factor: number;
    readonly max: number;
    readonly refinements: number;
    readonly goal: SearchGoal;
  },
  log: (line: string) => void,
): Promise<{ steps: SearchStep[]; best?: SearchStep }> => {
  const steps: SearchStep[] = [];
  const measure = async (rate: number): Promise<SearchStep> => {
    log(`search: ${rate} commands/s`);
    const result = await step(rate);
    const measured: SearchStep = {
      rate,
      holds: holdsGoal(result, rate, options.goal),
      p95Ms: result.report.result.latency.p95,
      achieved: result.report.result.achievedRate,
      result,
    };
    log(
      `search: ${rate}/s -> achieved ${measured.achieved.toFixed(0)}/s, p95 ${measured.p95Ms.toFixed(1)} ms: ${measured.holds ? 'holds' : 'does not hold'}`,
    );
    steps.push(measured);
    return measured;
  };
  let best: SearchStep | undefined;
  let failed: number | undefined;
  for (let rate = options.start; rate <= options.max; rate = Math.round(rate * options.factor)) {
    const measured = await measure(rate);
    if (!measured.holds) {
      failed = rate;
      break;
    }
    best = measured;
  }
  let low = best?.rate ?? 0;
  let high = failed;
  for (let i = 0; high !== undefined && i < options.refinements; i += 1) {
    const rate = Math.round((low + high) / 2);
    if (rate <= low || rate >= high) break;
    const measured = await measure(rate);
    if (measured.holds) {
      best = measured;
      low = rate;
    } else high = rate;
  }
  return { steps, ...(best ? { best } : {}) };
};

export const formatSearch = (steps: readonly SearchStep[], goal: SearchGoal): string =>
  `rate search (goal: p95 <= ${goal.p95Ms} ms, achieved >= ${goal.minAchievedRatio * 100} % of the rate):\n${formatTable(
    [
      'rate/s',
      'achieved/s',
      'p95 ms',
      'CPU ms/cmd',
      'db requests/cmd',
      'audit TTC p95 ms',
      'holds',
    ],
    steps.map((step) => [
      String(step.rate),
      step.achieved.toFixed(0),
      step.p95Ms.toFixed(1),
      step.result.cost ? step.result.cost.cpuMsPerCommandTotal.toFixed(3) : '-',
      step.result.cost ? step.result.cost.requestsPerCommand.toFixed(3) : '-',
      step.result.timeToConsistency ? String(step.result.timeToConsistency.p95) : '-',
      step.holds ? 'yes' : 'no',
    ]),
  )}`;
