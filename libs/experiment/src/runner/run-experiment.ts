import os from 'node:os';
import path from 'node:path';
import { createInfraContext, type InfraContext } from '@qf/local-infra';
import type { BudgetSupport } from '../budget/cgroup-support';
import { loadExperimentConfig } from '../config/load-experiment-config';
import { loadPriceBook } from '../config/price-file';
import { estimateRunSeconds } from '../config/run-budget';
import { displayPath } from '../config/yaml-file';
import { createReportDir, writeReport, type WrittenReport } from '../report/write-report';
import type { CellResult, ExperimentResults } from '../results/experiment-results';
import { collectMachineInfo } from '../results/machine-info';
import { writeResults } from '../results/results-file';
import { EnvScope } from '../sut/sut-environment';
import { runCell } from './cell-runner';
import { measureDataVolume } from './data-volume';
import { runPilots } from './pilot';
import { formatCompactDuration } from './eta';
import { LocalRun, type RunContext, type RunSystem } from './local-run';
import { RunProgressReporter } from './progress';
import { RemoteRun } from './remote-run';
import { orderSeedOf, planCells, runTag, type CellPlan } from './run-plan';
import { finalResults, initialResults, methodNotes, skippedCell } from './run-results';
import { fleetIdentityEnv, preflight } from './run-setup';
import { RunTracker } from './run-tracker';
import { SearchSeeds } from './search-seeds';
import { shortReason } from './short-reason';

export interface RunExperimentOptions {
  /** The experiment config (YAML), e.g. experiments/quick.yaml. */
  readonly configFile: string;
  /** Where reports/<timestamp>/ goes (default: the repository's reports/). */
  readonly reportsRoot?: string;
  /** Abort (Ctrl-C): the current step stops, the fleet goes down, what was measured is written. */
  readonly signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Keep each cell's topics and database, and the run's own infrastructure data. */
  readonly keepData?: boolean;
  /** Where a CPU budget can be set (default: this machine's cgroups, detected). */
  readonly detectBudget?: () => BudgetSupport;
}

export interface ExperimentRun {
  readonly dir: string;
  readonly results: ExperimentResults;
  readonly report: WrittenReport;
}

/** Every planned cell in order, each after its system is ready for it. */
const runCells = async (
  run: RunContext,
  system: RunSystem,
  cells: readonly CellPlan[],
  deps: {
    tracker: RunTracker;
    keepData: boolean;
    seeds: SearchSeeds;
    checkpoint: (current?: CellResult) => void;
  },
  out: { measured: CellResult[]; results: ExperimentResults },
): Promise<void> => {
  const { seeds } = deps;
  for (const plan of cells) {
    if (run.signal.aborted) {
      out.measured.push(
        skippedCell(plan, run.config, 'the run was interrupted (Ctrl-C) before this cell'),
      );
      continue;
    }
    try {
      await system.beforeCell(plan);
    } catch (error) {
      out.measured.push(
        skippedCell(
          plan,
          run.config,
          `the infrastructure is down and could not be restarted: ${shortReason(error)}`,
        ),
      );
      continue;
    }
    const outcome = await runCell(plan, {
      config: run.config,
      system: system.cells,
      progress: run.progress,
      tracker: deps.tracker,
      seeds,
      signal: run.signal,
      keepData: deps.keepData,
      onStep: (partial) => deps.checkpoint(partial),
    });
    out.measured.push(outcome.cell);
    out.results = {
      ...out.results,
      replay: [...out.results.replay, ...(outcome.replay ?? [])],
      storagePerChange: outcome.storage
        ? [...out.results.storagePerChange, outcome.storage]
        : out.results.storagePerChange,
      history: [...out.results.history, ...(outcome.history ?? [])],
    };
    run.notes.push(...outcome.notes);
    deps.checkpoint();
  }
};

/**
 * `qf experiment`: for every repetition of every (architecture, k, workload), in randomized
 * interleaved order, starts the fleet inside a CPU budget of k × unit cores together with the
 * run's own infrastructure, searches the highest arrival rate within the SLO to 5 %, measures
 * time to consistency and, at each architecture's end state, storage per change, history
 * latency and replay; then writes results.json, report.md, report.html and charts into
 * reports/<timestamp>/. Checkpoints results.json after every step.
 */
export const runExperiment = async (options: RunExperimentOptions): Promise<ExperimentRun> => {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const signal = options.signal ?? new AbortController().signal;
  const config = loadExperimentConfig(options.configFile);
  const support = preflight(
    config,
    options.configFile,
    collectMachineInfo().cores,
    options.detectBudget,
  );
  const prices = loadPriceBook(config.pricesPath);
  const baseCtx: InfraContext = createInfraContext(undefined, (line) => log(`  ${line}`));
  const startedAt = new Date();
  const tag = runTag(startedAt);
  const orderSeed = orderSeedOf(config, startedAt);
  const dir = createReportDir(options.reportsRoot ?? path.join(baseCtx.root, 'reports'), startedAt);
  const cells = planCells(config, tag, orderSeed);
  const tracker = new RunTracker(config, cells);
  const progress = new RunProgressReporter(log, () => tracker.remainingSeconds()).start();
  const notes = methodNotes(config);
  const out = {
    measured: [] as CellResult[],
    results: initialResults({
      config,
      configFile: options.configFile,
      prices,
      startedAt,
      root: baseCtx.root,
      orderSeed,
      notes,
    }),
  };
  const checkpoint = (current?: CellResult) => {
    try {
      writeResults(dir, {
        ...out.results,
        cells: current ? [...out.measured, current] : [...out.measured],
      });
    } catch (error) {
      progress.line(`could not write the checkpoint: ${shortReason(error)}`);
    }
  };
  const env = new EnvScope();
  env.set(fleetIdentityEnv());
  const run: RunContext = { config, progress, signal, notes, tag };
  let system: RunSystem | undefined;
  let fatal: string | undefined;
  try {
    progress.phase(
      `experiment "${config.name}": ${cells.length} cell(s) (${config.architectures.join(', ')} × k = ${config.k.join(', ')} × ${config.workloads.map((workload) => workload.name).join(', ')} × ${config.repetitions} repetition(s), order seed ${orderSeed}), about ${formatCompactDuration(estimateRunSeconds(config))}; report in ${displayPath(dir)}`,
    );
    notes.push(
      `Load average of the machine when the run started: ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(' / ')} (1 / 5 / 15 min).`,
    );
    system =
      config.fleet.mode === 'remote'
        ? await RemoteRun.create(run, config.fleet)
        : await LocalRun.create(run, support, baseCtx);
    const first = cells[0];
    if (first) await system.beforeCell(first);
    out.results = { ...out.results, ...(await system.describe()) };
    checkpoint();
    const seeds = new SearchSeeds();
    if (config.pilot)
      await runPilots({
        config,
        system: system.cells,
        beforeCell: (plan) => (system as RunSystem).beforeCell(plan),
        cells,
        seeds,
        progress,
        signal,
        notes,
      });
    await runCells(
      run,
      system,
      cells,
      { tracker, keepData: options.keepData ?? false, seeds, checkpoint },
      out,
    );
    const dataVolume = await measureDataVolume(config, system.cells, progress, signal, notes);
    if (dataVolume.length > 0) out.results = { ...out.results, dataVolume };
  } catch (error) {
    fatal = shortReason(error);
    progress.line(`the run failed: ${fatal}`);
  } finally {
    if (system) {
      const described = await system.describe().catch(() => ({}));
      out.results = { ...out.results, ...described };
      await system.dispose(options.keepData ?? false, notes);
    }
    env.restore();
  }
  for (const plan of cells.slice(out.measured.length))
    out.measured.push(
      skippedCell(plan, config, fatal ? `the run failed before this cell: ${fatal}` : 'not run'),
    );
  const results = finalResults(out.results, out.measured, cells.length, {
    aborted: signal.aborted,
    ...(fatal ? { fatal } : {}),
  });
  progress.phase('writing results.json, the charts, report.md and report.html');
  const report = await writeReport(dir, results, { log: () => undefined });
  progress.stop();
  return { dir, results, report };
};
