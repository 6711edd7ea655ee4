import { performance } from 'node:perf_hooks';
import { ScenarioDriver, seededRandom } from '@qf/loadgen';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { CellResult, StepResult } from '../results/experiment-results';
import { ResourceSampler } from '../sampler/resource-sampler';
import { removeCellData } from './cell-cleanup';
import {
  consistencyRate,
  measureEndState,
  probeCellConsistency,
  type EndState,
} from './cell-probes';
import { searchCell } from './cell-search';
import { INTERRUPTED, type StepContext } from './cell-step';
import type { CellSystem } from './cell-system';
import { consumerGroupsOf } from './consumer-lag.probe';
import { coolDown, groupCores } from './cooldown';
import type { RunProgressReporter } from './progress';
import type { CellPlan } from './run-plan';
import type { RunTracker } from './run-tracker';
import type { SearchSeeds } from './search-seeds';
import { frontTargets, waitForSeedVisible, waitForWritePath } from './cell-load';
import { shortReason } from './short-reason';
import { InFlightCounter, scenarioOf } from './workload';

export { shortReason } from './short-reason';

/** What a cell needs from the run. */
export interface CellDeps {
  readonly config: ExperimentConfig;
  /** The system under test: local inside a CPU budget, or remote. */
  readonly system: CellSystem;
  readonly progress: RunProgressReporter;
  readonly tracker: RunTracker;
  readonly seeds: SearchSeeds;
  readonly signal: AbortSignal;
  /** Keep the cell's topics and database after it (default: removed). */
  readonly keepData: boolean;
  /** Called with the cell as measured so far after every step (for checkpoints). */
  readonly onStep?: (partial: CellResult) => void;
}

/** Everything one cell measured. */
export interface CellOutcome extends Partial<EndState> {
  readonly cell: CellResult;
  readonly notes: readonly string[];
}

/** Starts (or scales) the cell's fleet, not measured. */
const startFleet = async (plan: CellPlan, deps: CellDeps, where: string) => {
  const replicaText = Object.entries(plan.replicas)
    .map(([service, count]) => `${service}×${count}`)
    .join(', ');
  deps.progress.phase(
    `${where}: ${deps.system.kind === 'local' ? 'starting' : 'scaling'} the fleet (${replicaText}; ${deps.config.partitions} partitions, topics ${plan.topicPrefix}*)`,
  );
  return deps.system.start(plan, deps.config);
};

/** What one cell accumulates while it runs (kept when it fails half-way). */
interface CellState {
  cell: Omit<CellResult, 'status' | 'steps'>;
  readonly steps: StepResult[];
  readonly notes: string[];
  failure?: string;
  endState?: EndState;
  sampler?: ResourceSampler;
  targets?: ReturnType<typeof frontTargets>;
}

const resultOf = (state: CellState): CellResult => ({
  ...state.cell,
  status: state.failure === undefined ? 'ok' : 'failed',
  ...(state.failure === undefined ? {} : { reason: state.failure }),
  steps: [...state.steps],
});

/** The fleet up and in the budget, players seeded, lag 0, the budget set, the idle CPU measured. */
const prepareCell = async (plan: CellPlan, deps: CellDeps, where: string, state: CellState) => {
  const { system, signal } = deps;
  const { fleet, fleetStartSeconds, sampled } = await startFleet(plan, deps, where);
  state.cell = { ...state.cell, fleetStartSeconds };
  state.sampler = new ResourceSampler(sampled).start();
  const targets = frontTargets(fleet);
  state.targets = targets;
  const groups = consumerGroupsOf(plan.arch, plan.topicPrefix);
  deps.progress.phase(
    `${where}: seeding ${plan.workload.players} players through ${fleet.urls.commands.length} front replica(s)`,
  );
  const driver = new ScenarioDriver(
    scenarioOf(plan.workload),
    targets.commands,
    targets.reads,
    seededRandom(42 + plan.index),
  );
  await waitForWritePath(targets.commands, signal);
  await driver.registerPlayers(32);
  if (plan.arch === 'es') await waitForSeedVisible(targets.reads, driver.players.slice(-20));
  const seededAt = Date.now();
  await coolDown({
    ...(system.admin ? { admin: system.admin } : {}),
    groups,
    minSeconds: 1,
    maxSeconds: 30,
    signal,
  });
  system.beginMeasure(plan);
  const idleCores = await groupCores(system.budget, 2000, signal);
  if (idleCores !== undefined)
    state.cell = { ...state.cell, idleCores: Math.round(idleCores * 1000) / 1000 };
  const watched = sampled.filter((target) => target.role !== 'loadgen');
  return { driver, targets, groups, watched, seededAt, idleCores, sampler: state.sampler };
};

/** The search, the time to consistency and, at an architecture's end state, the end-state figures. */
const measureCell = async (
  plan: CellPlan,
  deps: CellDeps,
  where: string,
  state: CellState,
  prepared: Awaited<ReturnType<typeof prepareCell>>,
): Promise<void> => {
  const { config, progress, signal, system } = deps;
  const { driver, targets, groups, watched, seededAt, idleCores, sampler } = prepared;
  const stepContext: StepContext = {
    plan,
    config,
    where,
    sampler,
    watched,
    driver,
    system,
    ...(system.budget ? { budget: system.budget } : {}),
    inFlight: new InFlightCounter(),
    ...(system.mongo ? { db: system.mongo.db(plan.database) } : {}),
    logDirs: system.logDirs,
    ...(system.admin ? { admin: system.admin } : {}),
    groups,
    progress,
    signal,
    notes: state.notes,
  };
  const searched = await searchCell({
    ...stepContext,
    tracker: deps.tracker,
    seeds: deps.seeds,
    ...(idleCores === undefined ? {} : { baselineCores: idleCores }),
    steps: state.steps,
    onStep: () => deps.onStep?.(resultOf(state)),
  });
  state.failure = searched.failure;
  state.cell = {
    ...state.cell,
    ...(searched.summary ? { search: searched.summary } : {}),
    ...(searched.chosenStep === undefined ? {} : { chosenStep: searched.chosenStep }),
  };
  const probeContext = {
    plan,
    config,
    where,
    commands: targets.commands,
    reads: targets.reads,
    driver,
    watched,
    progress,
    signal,
    notes: state.notes,
  };
  const rate = consistencyRate(config, state.steps, searched.chosenStep);
  if (
    state.failure === undefined &&
    !signal.aborted &&
    config.measure.consistencyProbes > 0 &&
    rate !== undefined
  ) {
    const probed = await probeCellConsistency(probeContext, rate);
    state.cell = { ...state.cell, consistency: probed.consistency };
    state.failure = probed.failure;
    if (probed.consistency.errors > 0)
      state.notes.push(
        `${where}: ${probed.consistency.errors} of ${config.measure.consistencyProbes} consistency probes could not write`,
      );
  }
  deps.tracker.probeDone();
  if (plan.endStateOfArch && state.failure === undefined && !signal.aborted) {
    const endStarted = performance.now();
    state.endState = await measureEndState({
      ...probeContext,
      system,
      seededAt,
      ...(rate === undefined ? {} : { loadRate: rate }),
    });
    deps.tracker.endStateDone((performance.now() - endStarted) / 1000);
  }
};

/**
 * One cell: a fresh fleet with the cell's replicas, moved into the CPU budget; seeded players;
 * the idle baseline; the rate search (or the load axis's fixed rate) with a cool-down after
 * every step; the time to consistency; and, at an architecture's end state, storage per
 * change, history latency and replay. A lost process or a thrown error fails the cell with its
 * reason; what was measured before is kept.
 */
export const runCell = async (plan: CellPlan, deps: CellDeps): Promise<CellOutcome> => {
  const where = `${plan.arch} k=${plan.k} ${plan.workload.name} #${plan.repetition}`;
  const cellStarted = performance.now();
  const state: CellState = {
    cell: {
      arch: plan.arch,
      workload: plan.workload.name,
      k: plan.k,
      repetition: plan.repetition,
      position: plan.index,
      replicas: plan.replicas,
      partitions: deps.config.partitions,
      ...(deps.system.budget
        ? { budgetCores: plan.budgetCores, jvmProcessors: plan.jvmProcessors }
        : {}),
      ...(deps.system.kind === 'remote' ? { budgetCores: plan.budgetCores } : {}),
    },
    steps: [],
    notes: [],
  };
  deps.tracker.beginCell(plan.index);
  try {
    await measureCell(plan, deps, where, state, await prepareCell(plan, deps, where, state));
  } catch (error) {
    state.failure = shortReason(error);
    deps.progress.line(`${where}: FAILED: ${state.failure}`);
  } finally {
    await tearDownCell(plan, deps, where, state.notes, state);
  }
  if (deps.signal.aborted && state.failure === undefined)
    state.failure = `${INTERRUPTED} after ${state.steps.length} step(s); the steps measured are kept`;
  if (plan.endStateOfArch && state.failure !== undefined)
    state.notes.push(
      `${where}: replay, storage per change and history latency of ${plan.arch} were not measured: the architecture's last cell did not finish (${state.failure})`,
    );
  const measured = state.steps.reduce((sum, step) => sum + step.durationSeconds, 0);
  deps.tracker.cellDone((performance.now() - cellStarted) / 1000 - measured);
  return { cell: resultOf(state), notes: state.notes, ...(state.endState ?? {}) };
};

/** Stops sampling, the load generator's connections and the fleet; removes the cell's data. */
const tearDownCell = async (
  plan: CellPlan,
  deps: CellDeps,
  where: string,
  notes: string[],
  parts: { sampler?: ResourceSampler; targets?: { close: () => Promise<void> } },
) => {
  parts.sampler?.stop();
  await parts.targets?.close().catch(() => undefined);
  const { system } = deps;
  if (system.kind === 'local') deps.progress.phase(`${where}: stopping the fleet`);
  await system
    .stop()
    .catch((error: unknown) => notes.push(`${where}: fleet down failed (${shortReason(error)})`));
  if (!deps.keepData && system.ownsData && system.admin && system.mongo) {
    const problems = await removeCellData(
      system.admin,
      system.mongo,
      plan.topicPrefix,
      plan.database,
    );
    notes.push(...problems.map((problem) => `${where}: cleanup: ${problem}`));
  }
};
