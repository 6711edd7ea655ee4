import { runOpenLoop, ScenarioDriver, seededRandom } from '@qf/loadgen';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import { startRateFor } from '../search/rate-search';
import { removeCellData } from './cell-cleanup';
import { frontTargets, waitForWritePath } from './cell-load';
import type { CellSystem } from './cell-system';
import type { RunProgressReporter } from './progress';
import type { CellPlan } from './run-plan';
import type { SearchSeeds } from './search-seeds';
import { shortReason } from './short-reason';
import { holdsSlo, countRequests } from './step-result';
import { scenarioOf } from './workload';

/** Seconds of load per pilot rate, and how much the rate grows while the SLO holds. */
const PILOT_STEP_SECONDS = 4;
const PILOT_GROWTH = 1.5;
const PILOT_MAX_RATES = 7;

/**
 * An unmeasured pilot per architecture, before the first measured cell: its fleet at the
 * largest budget, load ramped by ×1.5 every 4 s while p95 holds the SLO. It warms what a
 * synthetic warm-up does not reach (the JVMs' hot paths of the real request mix) and gives
 * every architecture's first search a seed near its λ instead of a guess, so no measured cell
 * is the cold one and no search spends its steps far from λ. Nothing of it is reported as a
 * measurement; the seed it leaves is named "pilot" in the search trace.
 */
export const runPilots = async (options: {
  readonly config: ExperimentConfig;
  readonly system: CellSystem;
  /** Readies the infrastructure for a plan (its JVM processor count). */
  readonly beforeCell: (plan: CellPlan) => Promise<void>;
  readonly cells: readonly CellPlan[];
  readonly seeds: SearchSeeds;
  readonly progress: RunProgressReporter;
  readonly signal: AbortSignal;
  readonly notes: string[];
}): Promise<void> => {
  const { config, system, seeds, progress, signal, notes } = options;
  if (config.axis === 'load' && !config.loadFractions) return;
  for (const arch of config.architectures) {
    const largest = options.cells
      .filter((cell) => cell.arch === arch)
      .sort((a, b) => b.budgetCores - a.budgetCores)[0];
    if (!largest || signal.aborted) continue;
    const plan: CellPlan = {
      ...largest,
      topicPrefix: `${largest.topicPrefix}pilot.`,
      database: `${largest.database}_pilot`.slice(0, 63),
    };
    try {
      await options.beforeCell(plan);
      const rate = await pilotOne(plan, config, system, progress, signal);
      if (rate !== undefined) {
        seeds.record({
          arch,
          workload: plan.workload.name,
          k: plan.k,
          cores: plan.budgetCores,
          repetition: 0,
          rate,
        });
        notes.push(
          `Pilot (not measured) of ${arch} at k=${plan.k}: the SLO held up to ${rate} req/s in ${PILOT_STEP_SECONDS} s ramps; that seeded the first searches.`,
        );
      } else
        notes.push(
          `Pilot (not measured) of ${arch} at k=${plan.k}: the SLO did not hold even at the first rate; the first search started from search.startRate.`,
        );
    } catch (error) {
      notes.push(
        `Pilot of ${arch} failed (${shortReason(error)}); the first search started from search.startRate.`,
      );
    } finally {
      await system.stop().catch(() => undefined);
      if (system.ownsData && system.admin && system.mongo)
        await removeCellData(system.admin, system.mongo, plan.topicPrefix, plan.database).catch(
          () => [],
        );
    }
  }
};

/** One architecture's pilot ramp; the highest rate that held the SLO, if any. */
const pilotOne = async (
  plan: CellPlan,
  config: ExperimentConfig,
  system: CellSystem,
  progress: RunProgressReporter,
  signal: AbortSignal,
): Promise<number | undefined> => {
  progress.phase(
    `pilot (not measured): ${plan.arch} at k=${plan.k}, load ramped until the SLO breaks`,
  );
  const started = await system.start(plan, config);
  const targets = frontTargets(started.fleet);
  try {
    const workload = { ...plan.workload, players: Math.min(plan.workload.players, 100) };
    const driver = new ScenarioDriver(
      scenarioOf(workload),
      targets.commands,
      targets.reads,
      seededRandom(7),
    );
    await waitForWritePath(targets.commands, signal);
    await driver.registerPlayers(32);
    system.beginMeasure(plan);
    let rate = startRateFor(config.search, plan.arch, plan.budgetCores, config.budget.unitCores);
    let held: number | undefined;
    for (let attempt = 0; attempt < PILOT_MAX_RATES && !signal.aborted; attempt += 1) {
      const loop = await runOpenLoop({
        rate,
        durationMs: PILOT_STEP_SECONDS * 1000,
        warmupMs: 1000,
        drainTimeoutMs: 3000,
        maxInFlight: 10_000,
        next: () => driver.next(),
        signal,
      });
      const counts = countRequests(loop);
      const holds = holdsSlo(loop.latency, counts, config.slo);
      progress.line(
        `  pilot ${plan.arch} @ ${rate} req/s: p${config.slo.percentile} ${Math.round(config.slo.percentile === 50 ? loop.latency.p50 : config.slo.percentile === 99 ? loop.latency.p99 : loop.latency.p95)} ms → ${holds ? 'holds' : 'misses'}`,
      );
      if (!holds) {
        // Too high a first guess: come down until it holds; past a pass, the ramp is over.
        if (held !== undefined || rate <= config.search.minRate) break;
        rate = Math.max(config.search.minRate, Math.round(rate / 2));
        continue;
      }
      held = rate;
      rate = Math.min(config.search.maxRate, Math.round(rate * PILOT_GROWTH));
      if (held >= config.search.maxRate) break;
    }
    return held;
  } finally {
    await targets.close().catch(() => undefined);
  }
};
