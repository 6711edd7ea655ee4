import { performance } from 'node:perf_hooks';
import type { SearchSummary, StepResult } from '../results/experiment-results';
import { RateSearch, startRateFor } from '../search/rate-search';
import { measureStep, type StepContext } from './cell-step';
import { coolDown } from './cooldown';
import type { RunTracker } from './run-tracker';
import type { SearchSeeds } from './search-seeds';
import { maxStepsPerCell } from './run-plan';
import { bestPassingStep, needsRerun, sloLatency } from './step-result';

export interface SearchContext extends StepContext {
  readonly tracker: RunTracker;
  readonly seeds: SearchSeeds;
  readonly baselineCores?: number;
  /** The steps so far (the cell's trace; steps are appended and updated in place). */
  readonly steps: StepResult[];
  /** Called after every step with the cell as measured so far (checkpoints). */
  readonly onStep: () => void;
}

export interface SearchOutcome {
  readonly summary?: SearchSummary;
  readonly chosenStep?: number;
  readonly failure?: string;
}

const verdictOf = (step: StepResult, ctx: SearchContext): string => {
  if (step.status === 'failed') return `FAILED: ${step.reason}`;
  const cpu = step.machineCpu;
  const budget = step.budget;
  return (
    `λ ${step.throughput.toFixed(1)}/s, p${ctx.config.slo.percentile} ${sloLatency(step.latencyMs, ctx.config.slo.percentile).toFixed(1)} ms, ` +
    `errors ${step.requests.errors}${step.requests.conflicts ? ` (${step.requests.conflicts} OCC)` : ''}, rejections ${step.requests.rejections}` +
    (budget
      ? `, system ${budget.coresUsed.toFixed(2)}/${budget.limitCores} cores (throttled ${(budget.throttledShare * 100).toFixed(0)} % of periods)`
      : '') +
    (cpu
      ? `, foreign ${cpu.foreignCores.toFixed(2)} cores${step.polluted ? ' POLLUTED' : ''}`
      : '') +
    ` → ${step.withinSlo ? 'holds' : 'misses'} the SLO`
  );
};

/**
 * Measures a step and, while other work polluted a miss, measures it again (at most
 * pollution.maxReruns times; passes too with pollution.rerunPassing).
 */
const measureClean = async (
  ctx: SearchContext,
  rate: number,
  label: { number: number; max: number },
): Promise<{ step: StepResult; reruns: number }> => {
  let reruns = 0;
  for (;;) {
    const step = await measureStep(ctx, ctx.steps.length, rate, label);
    ctx.steps.push(step);
    ctx.progress.line(
      `${ctx.where} step ${label.number}${reruns > 0 ? ` (rerun ${reruns})` : ''} @ ${rate} req/s: ${verdictOf(step, ctx)}`,
    );
    const again = needsRerun(step, ctx.config.pollution, reruns) && !ctx.signal.aborted;
    if (!again) return { step, reruns };
    ctx.steps[step.index] = { ...step, superseded: true };
    reruns += 1;
    await coolAfter(ctx, step.index);
  }
};

/** The wait for lag 0 and an idle system after step `index`, recorded on it. */
const coolAfter = async (ctx: SearchContext, index: number): Promise<void> => {
  const cooldown = await coolDown({
    ...(ctx.budget ? { budget: ctx.budget } : {}),
    ...(ctx.admin ? { admin: ctx.admin } : {}),
    groups: ctx.groups,
    minSeconds: ctx.config.durations.cooldownSeconds,
    maxSeconds: ctx.config.durations.maxCooldownSeconds,
    ...(ctx.baselineCores === undefined ? {} : { baselineCores: ctx.baselineCores }),
    signal: ctx.signal,
  });
  const step = ctx.steps[index];
  if (step) ctx.steps[index] = { ...step, cooldown };
};

/**
 * The cell's rate search (or the one fixed rate of the load axis): steps until the bracket is
 * within the resolution, each followed by a cool-down; a polluted step is measured again. The
 * λ found is recorded as the seed of later searches of the same architecture.
 */
export const searchCell = async (ctx: SearchContext): Promise<SearchOutcome> => {
  const { plan, config, signal } = ctx;
  const seed =
    plan.offeredRate === undefined
      ? ctx.seeds.seedFor(plan.arch, plan.workload.name, plan.k, plan.budgetCores)
      : undefined;
  // The load axis with loadFractions searches λ too (then offers its share, below).
  const settings = {
    ...config.search,
    startRate: startRateFor(config.search, plan.arch, plan.budgetCores, config.budget.unitCores),
  };
  const search = plan.offeredRate === undefined ? new RateSearch(settings, seed) : undefined;
  if (seed) ctx.progress.line(`${ctx.where}: search starts at ${seed.rate} req/s (${seed.source})`);
  let rate = plan.offeredRate ?? search?.next();
  let decided = 0;
  let reruns = 0;
  let failure: string | undefined;
  while (rate !== undefined && !signal.aborted) {
    const stepStarted = performance.now();
    const measured = await measureClean(ctx, rate, {
      number: decided + 1,
      max: maxStepsPerCell(config),
    });
    reruns += measured.reruns;
    decided += 1;
    if (measured.step.status === 'failed') {
      if (!signal.aborted) failure = measured.step.reason;
      ctx.onStep();
      ctx.tracker.stepDone((performance.now() - stepStarted) / 1000);
      break;
    }
    search?.record(rate, measured.step.withinSlo);
    rate = search?.next();
    await coolAfter(ctx, measured.step.index);
    ctx.onStep();
    ctx.tracker.stepDone((performance.now() - stepStarted) / 1000);
  }
  const state = search?.state();
  let chosenStep = search
    ? bestPassingStep(ctx.steps)
    : ctx.steps.find((step) => step.status === 'ok' && !step.superseded)?.index;
  // Equal fractions of capacity (load axis): the share of the λ just found is the cell's step.
  if (
    plan.loadFraction !== undefined &&
    state?.low !== undefined &&
    failure === undefined &&
    !signal.aborted
  ) {
    const fractionRate = Math.max(1, Math.round(plan.loadFraction * state.low));
    ctx.progress.line(`${ctx.where}: offering ${plan.loadFraction} × λ = ${fractionRate} req/s`);
    const measured = await measureClean(ctx, fractionRate, {
      number: decided + 1,
      max: maxStepsPerCell(config),
    });
    reruns += measured.reruns;
    if (measured.step.status === 'failed')
      failure = signal.aborted ? undefined : measured.step.reason;
    else await coolAfter(ctx, measured.step.index);
    chosenStep = measured.step.status === 'ok' ? measured.step.index : undefined;
    ctx.onStep();
  }
  ctx.tracker.searchDone();
  if (state?.low !== undefined)
    ctx.seeds.record({
      arch: plan.arch,
      workload: plan.workload.name,
      k: plan.k,
      cores: plan.budgetCores,
      repetition: plan.repetition,
      rate: state.low,
    });
  if (state?.stopReason && failure === undefined)
    ctx.progress.line(`${ctx.where}: search over (${state.stopReason})`);
  const summary: SearchSummary | undefined = state && {
    ...(state.seed ? { seed: state.seed } : {}),
    ...(state.low === undefined ? {} : { low: state.low }),
    ...(state.high === undefined ? {} : { high: state.high }),
    converged: state.converged,
    ...(state.stopReason ? { stopReason: state.stopReason } : {}),
    steps: decided,
    reruns,
  };
  return {
    ...(summary ? { summary } : {}),
    ...(chosenStep === undefined ? {} : { chosenStep }),
    ...(failure === undefined ? {} : { failure }),
  };
};
