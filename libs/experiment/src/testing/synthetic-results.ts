/**
 * SYNTHETIC experiment results for tests and for checking how reports render: every cell
 * repeated, searched with the real RateSearch against a modelled capacity (USL over the
 * budget's cores, a few % of noise per repetition). Marked `synthetic: true`; the report says
 * so in its first lines. Never ship their output as a measured report.
 */
import { seededRandom } from '@qf/loadgen';
import {
  experimentConfigSchema,
  type Architecture,
  type ExperimentConfig,
  type ExperimentConfigInput,
} from '../config/experiment-config.schema';
import { resolveExperimentConfig } from '../config/load-experiment-config';
import type { PriceBook } from '../config/price-file';
import type { CellResult, ExperimentResults, StepResult } from '../results/experiment-results';
import { planCells, type CellPlan } from '../runner/run-plan';
import { SearchSeeds } from '../runner/search-seeds';
import { RateSearch, startRateFor } from '../search/rate-search';
import { uslThroughput, type UslParams } from '../usl/usl-fit';
import { syntheticConsistency, syntheticStep } from './synthetic-step';
import { syntheticExtras } from './synthetic-extras';

export interface SyntheticOptions {
  /** Overrides of the config (default: both architectures, k = 1, 2, 4, 3 repetitions, one mix). */
  readonly config?: Partial<ExperimentConfigInput>;
  /** Capacity per unit of budget (default ES: λ1 60, σ 0.05, κ 0.01; CRUD: λ1 90, σ 0.12, κ 0.02). */
  readonly capacity?: Partial<Record<Architecture, UslParams>>;
  /** Mark one step of the last cell as failed, to show how failures render (default true). */
  readonly withFailure?: boolean;
  readonly seed?: number;
}

export const SYNTHETIC_PRICES: PriceBook = {
  currency: 'USD',
  vcpuHour: 0.031611,
  memoryGiBHour: 0.004237,
  storageGiBMonth: 0.17,
  eventStoreGiBMonth: 0.1,
  opsInstanceHour: 0.005,
  hoursPerMonth: 730,
  sources: [
    {
      item: 'all',
      source: 'synthetic',
      note: 'the defaults of config/prices.yaml, copied for the fixture',
    },
  ],
};

export const syntheticConfig = (overrides: Partial<ExperimentConfigInput> = {}): ExperimentConfig =>
  resolveExperimentConfig(
    experimentConfigSchema.parse({
      name: 'synthetic',
      description: 'SYNTHETIC fixture for report rendering',
      architectures: ['es', 'crud'],
      axis: 'resources',
      k: [1, 2, 4],
      repetitions: 3,
      orderSeed: 7,
      workloads: [
        {
          name: 'mixed',
          operations: {
            register: 1,
            move: 3,
            'pick-up': 2,
            drop: 1,
            'take-damage': 2,
            heal: 1,
            'gain-experience': 2,
            'get-player': 6,
            'get-room': 1,
            leaderboard: 1,
          },
          players: 1000,
        },
      ],
      search: { startRate: 50, maxRate: 3200, resolutionRate: 2, maxSteps: 14 },
      statistics: { resamples: 1000 },
      ...overrides,
    }),
    'experiments/synthetic.yaml',
  );

interface SyntheticRun {
  readonly config: ExperimentConfig;
  readonly random: () => number;
  readonly capacity: Record<Architecture, UslParams>;
  readonly seeds: SearchSeeds;
  /** Milliseconds since the epoch, advanced by every step. */
  clock: number;
}

/** One cell as the runner would have measured it against the modelled capacity. */
const syntheticCell = (run: SyntheticRun, plan: CellPlan): CellResult => {
  const { config, random, capacity, seeds } = run;
  const held = uslThroughput(capacity[plan.arch], plan.k) * (0.95 + random() * 0.1);
  const steps: StepResult[] = [];
  const measure = (rate: number) => {
    run.clock += (config.durations.warmupSeconds + config.durations.stepSeconds + 3) * 1000;
    const step = syntheticStep({
      config,
      arch: plan.arch,
      k: plan.k,
      index: steps.length,
      offeredRate: rate,
      capacity: held,
      budgetCores: plan.budgetCores,
      replicas: plan.replicas,
      random,
      startedAt: new Date(run.clock).toISOString(),
    });
    steps.push(step);
    return step;
  };
  let search: RateSearch | undefined;
  if (plan.offeredRate !== undefined) measure(plan.offeredRate);
  else {
    search = new RateSearch(
      {
        ...config.search,
        startRate: startRateFor(
          config.search,
          plan.arch,
          plan.budgetCores,
          config.budget.unitCores,
        ),
      },
      seeds.seedFor(plan.arch, plan.workload.name, plan.k, plan.budgetCores),
    );
    for (let rate = search.next(); rate !== undefined; rate = search.next())
      search.record(rate, measure(rate).withinSlo);
    const low = search.state().low;
    if (low !== undefined)
      seeds.record({
        arch: plan.arch,
        workload: plan.workload.name,
        k: plan.k,
        cores: plan.budgetCores,
        repetition: plan.repetition,
        rate: low,
      });
  }
  const state = search?.state();
  // The load axis with loadFractions offers a share of the λ just found, as the runner does.
  const fractionStep =
    plan.loadFraction !== undefined && state?.low !== undefined
      ? measure(Math.max(1, Math.round(plan.loadFraction * state.low)))
      : undefined;
  const passing =
    fractionStep ??
    steps.filter((step) => step.withinSlo).sort((a, b) => b.offeredRate - a.offeredRate)[0];
  return {
    arch: plan.arch,
    workload: plan.workload.name,
    k: plan.k,
    repetition: plan.repetition,
    position: plan.index,
    budgetCores: plan.budgetCores,
    jvmProcessors: plan.jvmProcessors,
    replicas: { ...plan.replicas },
    partitions: config.partitions,
    status: 'ok' as const,
    steps,
    ...(passing ? { chosenStep: passing.index } : {}),
    ...(state
      ? {
          search: {
            ...(state.seed ? { seed: state.seed } : {}),
            ...(state.low === undefined ? {} : { low: state.low }),
            ...(state.high === undefined ? {} : { high: state.high }),
            converged: state.converged,
            ...(state.stopReason ? { stopReason: state.stopReason } : {}),
            steps: state.stepsTaken,
            reruns: 0,
          },
        }
      : {}),
    fleetStartSeconds: 6 + random() * 4,
    idleCores: 0.1 + plan.k * 0.04,
    consistency: {
      offeredRate: 30,
      summary: syntheticConsistency(plan.arch === 'es' ? 25 : 40, random),
      errors: 0,
    },
  };
};

/** Builds a full, realistic-looking ExperimentResults with `synthetic: true`. */
export const syntheticResults = (options: SyntheticOptions = {}): ExperimentResults => {
  const config = syntheticConfig(options.config);
  const start = Date.parse('2025-01-01T12:00:00Z');
  const run: SyntheticRun = {
    config,
    random: seededRandom(options.seed ?? 42),
    capacity: {
      es: { lambda1: 60, sigma: 0.05, kappa: 0.01 },
      crud: { lambda1: 90, sigma: 0.12, kappa: 0.02 },
      ...options.capacity,
    },
    seeds: new SearchSeeds(),
    clock: start,
  };
  const cells = planCells(config, 'synthetic', config.orderSeed ?? 7).map((plan) =>
    syntheticCell(run, plan),
  );
  if (options.withFailure !== false && cells.length > 0) {
    const last = cells[cells.length - 1] as CellResult;
    const previous = last.steps[last.steps.length - 1] as StepResult;
    const failed: StepResult = {
      ...previous,
      index: last.steps.length,
      status: 'failed',
      reason: 'synthetic failure: load generator lost its connection (ECONNRESET) after 4.2 s',
      withinSlo: false,
    };
    cells[cells.length - 1] = { ...last, steps: [...last.steps, failed] };
  }
  return {
    schemaVersion: 2,
    synthetic: true,
    startedAt: new Date(start).toISOString(),
    finishedAt: new Date(run.clock + 60_000).toISOString(),
    status: 'complete',
    configFile: 'experiments/synthetic.yaml',
    config,
    prices: SYNTHETIC_PRICES,
    pricesFile: 'config/prices.yaml',
    orderSeed: config.orderSeed ?? 7,
    cells,
    ...syntheticExtras(config),
  };
};
