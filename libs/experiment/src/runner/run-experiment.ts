import os from 'node:os';
import path from 'node:path';
import { logLevel, type Admin, type Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { createInfraContext, type InfraContext } from '@qf/local-infra';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { cfsQuotaUs } from '../budget/budget-arithmetic';
import type { BudgetSupport } from '../budget/cgroup-support';
import { CpuBudget } from '../budget/cpu-budget';
import { sweepStaleBudgets } from '../budget/stale-sweep';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import { loadExperimentConfig } from '../config/load-experiment-config';
import { loadPriceBook } from '../config/price-file';
import { estimateRunSeconds } from '../config/run-budget';
import { displayPath } from '../config/yaml-file';
import { createReportDir, writeReport, type WrittenReport } from '../report/write-report';
import type {
  BudgetInfo,
  CellResult,
  ExperimentResults,
  SutInfo,
} from '../results/experiment-results';
import { collectMachineInfo } from '../results/machine-info';
import { writeResults } from '../results/results-file';
import { chooseSutPorts, EnvScope } from '../sut/sut-environment';
import { SutInfra, sweepStaleRuns } from '../sut/sut-infra';
import { endFleet } from './cell-fleet';
import { runCell } from './cell-runner';
import { formatDuration } from './eta';
import { backendInfo, kafkaLogDirs } from './infra-probe';
import { warmUpInfrastructure } from './infra-warmup';
import { ProgressReporter } from './progress';
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
}

export interface ExperimentRun {
  readonly dir: string;
  readonly results: ExperimentResults;
  readonly report: WrittenReport;
}

/**
 * CPU weight of the system's budget group and of the experiment process's own group, as a
 * multiple of the default: on a machine other work shares, the budget is then a guarantee as
 * well as a cap, and the load generator is not starved either (docs/adr/0002).
 */
const PRIORITY = 10;

/** What the run holds while it lasts. */
interface Running {
  readonly config: ExperimentConfig;
  readonly progress: ProgressReporter;
  readonly signal: AbortSignal;
  readonly notes: string[];
  readonly sut: SutInfra;
  readonly budget?: CpuBudget;
  readonly starts: SutInfo['starts'][number][];
  mongo?: MongoClient;
  kafka?: Kafka;
  admin?: Admin;
}

const budgetInfo = (support: BudgetSupport, config: ExperimentConfig): BudgetInfo =>
  support.ok
    ? {
        applied: true,
        mechanism: support.describe,
        unitCores: config.budget.unitCores,
        periodUs: config.budget.periodMs * 1000,
        members: [
          'every service replica',
          'their supervisor (pm2)',
          'Kafka',
          'the Mongo-wire server',
          'Redis',
        ],
      }
    : { applied: false, reason: support.reason };

/**
 * Starts (or restarts, for another JVM processor count) the run's own infrastructure and
 * warms it up unmeasured: its JVMs compile under load, so otherwise the first cell after a
 * start would be measured on cold servers.
 */
const startInfra = async (run: Running, processors: number): Promise<void> => {
  const { progress, config, sut, budget } = run;
  progress.phase(
    `infrastructure: starting the run's own Kafka, Mongo-wire server and Redis (JVMs told ${processors} processor(s))`,
  );
  const started = await sut.start(processors, budget);
  await run.admin?.disconnect().catch(() => undefined);
  run.mongo ??= await createMongoClient().connect();
  run.kafka ??= createKafka('qf-experiment', { logLevel: logLevel.ERROR });
  run.admin = run.kafka.admin();
  await run.admin.connect();
  const seconds = config.durations.infraWarmupSeconds;
  if (seconds > 0 && !run.signal.aborted) {
    progress.phase(
      `warming up Kafka and the Mongo-wire server for ${seconds} s (transactions and bulk writes, not measured)`,
    );
    const limit = budget?.limitCores;
    budget?.setCores(undefined);
    const topic = `exp-${sut.tag}-warmup-${run.starts.length + 1}`;
    try {
      const warmed = await warmUpInfrastructure({
        kafka: createKafka('qf-experiment-warmup', {
          logLevel: logLevel.NOTHING,
          retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
        }),
        db: run.mongo.db(topic.replace(/-/g, '_')),
        topic,
        seconds,
        signal: run.signal,
        onProgress: (done, elapsed) =>
          progress.line(
            `  warm-up ${Math.round(elapsed)} / ${seconds} s: ${done.transactions} transactions, ${done.documents} documents written`,
          ),
      });
      run.notes.push(
        `After infrastructure start ${run.starts.length + 1}, Kafka and the Mongo-wire server were warmed for ${seconds} s, not measured: ${warmed.transactions} transactions and ${warmed.documents} documents written.`,
      );
    } finally {
      budget?.setCores(limit);
    }
  }
  run.starts.push({
    at: new Date().toISOString(),
    seconds: Math.round(started.seconds * 10) / 10,
    processors,
    warmupSeconds: seconds,
  });
};

/** Every planned cell in order; the infrastructure restarts when the JVM processor count changes. */
const runCells = async (
  run: Running,
  cells: readonly CellPlan[],
  deps: { tracker: RunTracker; keepData: boolean; checkpoint: (current?: CellResult) => void },
  out: { measured: CellResult[]; results: ExperimentResults },
): Promise<void> => {
  const seeds = new SearchSeeds();
  for (const plan of cells) {
    if (run.signal.aborted) {
      out.measured.push(
        skippedCell(plan, run.config, 'the run was interrupted (Ctrl-C) before this cell'),
      );
      continue;
    }
    try {
      // Idempotent: restarts a server that died in an earlier cell, from its data, into the budget.
      await startInfraIfNeeded(run, plan.jvmProcessors);
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
      sut: run.sut,
      ...(run.budget ? { budget: run.budget } : {}),
      mongo: run.mongo as MongoClient,
      kafka: run.kafka as Kafka,
      admin: run.admin as Admin,
      logDirs: kafkaLogDirs(run.sut.ctx),
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

const startInfraIfNeeded = async (run: Running, processors: number): Promise<void> => {
  if (run.sut.runningProcessors !== processors || run.sut.recordedServers().length < 3)
    await startInfra(run, processors);
};

/** Stops the fleet, the run's infrastructure and the budget, whatever happened before. */
const tearDown = async (
  run: Running | undefined,
  budget: CpuBudget | undefined,
  env: EnvScope,
  keepData: boolean,
  notes: string[],
) => {
  if (run) {
    await endFleet(run.sut.ctx).catch((error: unknown) =>
      notes.push(`fleet down at the end failed: ${shortReason(error)}`),
    );
    await run.admin?.disconnect().catch(() => undefined);
    await run.mongo?.close().catch(() => undefined);
    await run.sut
      .dispose({ keepData })
      .catch((error: unknown) =>
        notes.push(`stopping the run's infrastructure failed: ${shortReason(error)}`),
      );
  }
  await budget
    ?.remove()
    .catch((error: unknown) => notes.push(`removing the CPU budget failed: ${shortReason(error)}`));
  env.restore();
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
  const support = preflight(config, options.configFile, collectMachineInfo().cores);
  const prices = loadPriceBook(config.pricesPath);
  const baseCtx: InfraContext = createInfraContext(undefined, (line) => log(`  ${line}`));
  const startedAt = new Date();
  const tag = runTag(startedAt);
  const orderSeed = orderSeedOf(config, startedAt);
  const dir = createReportDir(options.reportsRoot ?? path.join(baseCtx.root, 'reports'), startedAt);
  const cells = planCells(config, tag, orderSeed);
  const tracker = new RunTracker(config, cells);
  const progress = new ProgressReporter(log, () => tracker.remainingSeconds()).start();
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
  let budget: CpuBudget | undefined;
  let harness: CpuBudget | undefined;
  let run: Running | undefined;
  let fatal: string | undefined;
  try {
    progress.phase(
      `experiment "${config.name}": ${cells.length} cell(s) (${config.architectures.join(', ')} × k = ${config.k.join(', ')} × ${config.workloads.map((workload) => workload.name).join(', ')} × ${config.repetitions} repetition(s), order seed ${orderSeed}), at most ~${formatDuration(estimateRunSeconds(config))}; report in ${displayPath(dir)}`,
    );
    for (const swept of sweepStaleBudgets(support))
      notes.push(
        `Removed the CPU budget ${swept.name} of a run that had died (pid ${swept.ownerPid}) and stopped ${swept.stopped.length} process(es) left in it.`,
      );
    for (const swept of await sweepStaleRuns(baseCtx))
      notes.push(`Removed the leftovers of a run that had died: .local/experiment/${swept}.`);
    budget = support.ok
      ? CpuBudget.create(support, { label: `exp-${tag}`, periodUs: config.budget.periodMs * 1000 })
      : undefined;
    if (budget)
      cfsQuotaUs(Math.min(...config.scale.map((point) => point.budgetCores)), budget.periodUs);
    budget?.setPriority(PRIORITY);
    harness = support.ok
      ? CpuBudget.create(support, {
          label: `exp-${tag}-harness`,
          periodUs: config.budget.periodMs * 1000,
        })
      : undefined;
    harness?.setPriority(PRIORITY);
    harness?.adopt(process.pid, false);
    out.results = { ...out.results, budget: budgetInfo(support, config) };
    if (!support.ok)
      notes.push(
        `No CPU budget could be set (${support.reason}): the load axis ran with the system under test unconfined.`,
      );
    const sut = new SutInfra(
      baseCtx,
      tag,
      await chooseSutPorts(Number(process.env['QF_EXPERIMENT_PORT_BASE'] ?? 39_000)),
    );
    run = { config, progress, signal, notes, sut, ...(budget ? { budget } : {}), starts: [] };
    notes.push(
      `Load average of the machine when the run started: ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(' / ')} (1 / 5 / 15 min).`,
    );
    await startInfra(run, cells[0]?.jvmProcessors ?? 1);
    out.results = {
      ...out.results,
      backends: await backendInfo(sut.ctx, (run.mongo as MongoClient).db('admin')),
    };
    checkpoint();
    await runCells(run, cells, { tracker, keepData: options.keepData ?? false, checkpoint }, out);
  } catch (error) {
    fatal = shortReason(error);
    progress.line(`the run failed: ${fatal}`);
  } finally {
    if (run)
      out.results = { ...out.results, sut: { ports: { ...run.sut.ports }, starts: run.starts } };
    await tearDown(run, budget, env, options.keepData ?? false, notes);
    harness?.removeSync();
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
