import os from 'node:os';
import path from 'node:path';
import { logLevel, type Admin } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { createInfraContext, fleetCatalog, infraUp } from '@qf/local-infra';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import { loadExperimentConfig } from '../config/load-experiment-config';
import { loadPriceBook } from '../config/price-file';
import { estimateRunSeconds } from '../config/run-budget';
import { ConfigFileError, displayPath } from '../config/yaml-file';
import { writeReport, createReportDir, type WrittenReport } from '../report/write-report';
import type { CellResult, ExperimentResults } from '../results/experiment-results';
import { collectMachineInfo } from '../results/machine-info';
import { writeResults } from '../results/results-file';
import { dirSize } from '../sampler/dir-size';
import { endFleet } from './cell-fleet';
import { runCell, shortReason } from './cell-runner';
import { formatDuration } from './eta';
import { backendInfo, kafkaLogDirs, mongoDataDir } from './infra-probe';
import { warmUpInfrastructure } from './infra-warmup';
import { ProgressReporter } from './progress';
import { planCells, runTag, type CellPlan } from './run-plan';
import { RunTracker } from './run-tracker';
import { toolVersions } from './tool-versions';
import { fleetConfigProblems } from './validate-fleet-config';

export interface RunExperimentOptions {
  /** The experiment config (YAML), e.g. experiments/quick.yaml. */
  readonly configFile: string;
  /** Where reports/<timestamp>/ goes (default: the repository's reports/). */
  readonly reportsRoot?: string;
  /** Abort (Ctrl-C): the current step stops, the fleet goes down, what was measured is written. */
  readonly signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  /** Keep each cell's topics and database (default: removed after the cell). */
  readonly keepData?: boolean;
}

export interface ExperimentRun {
  readonly dir: string;
  readonly results: ExperimentResults;
  readonly report: WrittenReport;
}

/** Notes every run's report carries about how its figures were taken. */
const methodNotes = (config: ExperimentConfig): string[] => [
  'The load generator runs inside the experiment process on the same machine; its CPU is sampled (role loadgen) but left out of the cost.',
  `Each (architecture, k, workload) ran on a fresh fleet with its own topics (${config.partitions} partitions each) and its own database; the fleet was stopped and its data removed after it.`,
  `Time to consistency: after the rate search, the chosen rate was offered again for ${config.durations.stepSeconds} s while ${config.measure.consistencyProbes} probes each registered a new player and read the query side every 5 ms until it showed the write (ES: the player in the read model through the query service; CRUD: the event in the audit log through the history query). Timed from the command's answer; resolution about 5 ms.`,
  'Consumer lag is read from the broker at the end of each step: committed offsets vs. the log end per partition, and the age of the oldest record not yet applied.',
  'Saturation: the peak of requests in flight is measured at the load generator (open-loop backlog); database connections in use are not measured (the Mongo-wire server has no serverStatus).',
  'Replay: one in-process projector (ES) or audit consumer (CRUD) in a new consumer group rebuilds from offset 0 into fresh collections while the idle fleet still runs; timed from its start until the rebuilt view holds every event of the end state.',
];

const skippedCell = (plan: CellPlan, config: ExperimentConfig, reason: string): CellResult => ({
  arch: plan.arch,
  workload: plan.workload.name,
  k: plan.k,
  replicas: plan.replicas,
  partitions: config.partitions,
  status: 'skipped',
  reason,
  steps: [],
});

/**
 * `qf experiment`: per architecture, k and workload mix, starts the fleet with k replicas of
 * each scalable service (or at the fixed rate of the load axis), seeds players, searches
 * for the highest arrival rate within the SLO while sampling every process from /proc,
 * measures time to consistency, and at each architecture's end state storage per change,
 * history latency and replay; then writes results.json, report.md, report.html and charts
 * into reports/<timestamp>/ and points reports/latest at it. Checkpoints results.json after
 * every step, so a run killed outright still leaves what it measured.
 */
export const runExperiment = async (options: RunExperimentOptions): Promise<ExperimentRun> => {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const signal = options.signal ?? new AbortController().signal;
  const config = loadExperimentConfig(options.configFile);
  const problems = fleetConfigProblems(config, fleetCatalog);
  if (problems.length > 0) throw new ConfigFileError(displayPath(options.configFile), problems);
  const prices = loadPriceBook(config.pricesPath);

  const ctx = createInfraContext(undefined, (line) => log(`  ${line}`));
  const quietCtx = createInfraContext(ctx.root, () => undefined);
  const startedAt = new Date();
  const dir = createReportDir(options.reportsRoot ?? path.join(ctx.root, 'reports'), startedAt);
  const cells = planCells(config, runTag(startedAt));
  const tracker = new RunTracker(config, cells);
  const progress = new ProgressReporter(log, () => tracker.remainingSeconds()).start();

  const notes = methodNotes(config);
  let results: ExperimentResults = {
    schemaVersion: 1,
    startedAt: startedAt.toISOString(),
    status: 'interrupted',
    reason: 'the run stopped before it finished: this is its last checkpoint',
    configFile: displayPath(options.configFile),
    config,
    prices,
    pricesFile: displayPath(config.pricesPath),
    machine: collectMachineInfo(),
    backends: [],
    tools: toolVersions(ctx.root),
    cells: [],
    replay: [],
    storagePerChange: [],
    history: [],
    notes,
  };
  const measured: CellResult[] = [];
  const checkpoint = (current?: CellResult) => {
    try {
      writeResults(dir, { ...results, cells: current ? [...measured, current] : [...measured] });
    } catch (error) {
      progress.line(`could not write the checkpoint: ${shortReason(error)}`);
    }
  };

  let mongo: MongoClient | undefined;
  let admin: Admin | undefined;
  let fatal: string | undefined;
  try {
    progress.phase(
      `experiment "${config.name}": ${cells.length} cell(s) (${config.architectures.join(', ')} × k = ${config.k.join(', ')} × ${config.workloads.map((workload) => workload.name).join(', ')}), at most ~${formatDuration(estimateRunSeconds(config))}; report in ${displayPath(dir)}`,
    );
    progress.phase('infrastructure: bringing up what is missing (Kafka, Mongo-wire server, Redis)');
    await infraUp(ctx, { brokers: 1 });
    mongo = await createMongoClient().connect();
    const kafka = createKafka('qf-experiment', { logLevel: logLevel.ERROR });
    admin = kafka.admin();
    await admin.connect();
    results = { ...results, backends: await backendInfo(ctx, mongo.db('admin')) };
    const logDirs = kafkaLogDirs(ctx);
    if (logDirs.length === 0)
      notes.push(
        'Kafka is external (KAFKA_BROKERS): its log is not on this disk and not measured.',
      );
    notes.push(
      `Load average of the machine when the run started: ${os
        .loadavg()
        .map((value) => value.toFixed(2))
        .join(' / ')} (1 / 5 / 15 min).`,
    );
    const warmupSeconds = config.durations.infraWarmupSeconds;
    if (warmupSeconds > 0 && !signal.aborted) {
      progress.phase(`warming up Kafka and the Mongo-wire server for ${warmupSeconds} s (transactions and bulk writes, not measured)`);
      const warmed = await warmUpInfrastructure({
        kafka: createKafka('qf-experiment-warmup', { logLevel: logLevel.ERROR, retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 } }),
        db: mongo.db(`exp_${runTag(startedAt)}_warmup`),
        topic: `exp-${runTag(startedAt)}-warmup`,
        seconds: warmupSeconds,
        signal,
        onProgress: (done, elapsed) =>
          progress.line(`  warm-up ${Math.round(elapsed)} / ${warmupSeconds} s: ${done.transactions} transactions (${Math.round(done.transactions / elapsed)}/s), ${done.documents} documents written (${Math.round(done.documents / elapsed)}/s)`),
      });
      notes.push(
        `Before the first cell, Kafka and the Mongo-wire server were warmed for ${warmupSeconds} s, not measured: ${warmed.transactions} transactions${warmed.failedTransactions > 0 ? ` (and ${warmed.failedTransactions} that failed and were aborted)` : ''} and ${warmed.documents} documents written. Their JVMs compile under load, so otherwise the first cell would be measured on cold servers.`,
      );
    }
    checkpoint();

    let infraLost: string | undefined;
    for (const plan of cells) {
      if (signal.aborted) {
        measured.push(
          skippedCell(plan, config, 'the run was interrupted (Ctrl-C) before this cell'),
        );
        continue;
      }
      if (infraLost === undefined) {
        try {
          // Idempotent: restarts a server that died in an earlier cell, from its data.
          await infraUp(quietCtx, { brokers: 1 });
        } catch (error) {
          infraLost = `the infrastructure is down and could not be restarted: ${shortReason(error)}`;
        }
      }
      if (infraLost !== undefined) {
        measured.push(skippedCell(plan, config, infraLost));
        continue;
      }
      const outcome = await runCell(plan, {
        config,
        ctx,
        mongo,
        kafka,
        admin,
        logDirs,
        progress,
        tracker,
        signal,
        keepData: options.keepData ?? false,
        onStep: (partial) => checkpoint(partial),
      });
      measured.push(outcome.cell);
      results = {
        ...results,
        replay: [...results.replay, ...outcome.replay],
        storagePerChange: outcome.storage
          ? [...results.storagePerChange, outcome.storage]
          : results.storagePerChange,
        history: [...results.history, ...outcome.history],
      };
      notes.push(...outcome.notes);
      checkpoint();
    }
    const dataDir = mongoDataDir(ctx);
    if (dataDir) {
      const size = await dirSize(dataDir);
      notes.push(
        `The Mongo-wire server keeps every database in one file (${displayPath(dataDir)}: ${(size.bytes / 1024 / 1024).toFixed(1)} MiB on disk at the end, all databases of the machine); each cell's database is sized by its own data and index bytes.`,
      );
    }
  } catch (error) {
    fatal = shortReason(error);
    progress.line(`the run failed: ${fatal}`);
  } finally {
    await endFleet().catch((error: unknown) =>
      notes.push(`fleet down at the end failed: ${shortReason(error)}`),
    );
    await admin?.disconnect().catch(() => undefined);
    await mongo?.close().catch(() => undefined);
  }

  for (const plan of cells.slice(measured.length))
    measured.push(
      skippedCell(plan, config, fatal ? `the run failed before this cell: ${fatal}` : 'not run'),
    );
  const done = measured.filter((cell) => cell.status === 'ok').length;
  const status: ExperimentResults['status'] = signal.aborted
    ? 'interrupted'
    : fatal !== undefined || done === 0
      ? 'failed'
      : 'complete';
  const { reason: _checkpointReason, ...rest } = results;
  results = {
    ...rest,
    cells: measured,
    finishedAt: new Date().toISOString(),
    status,
    ...(status === 'interrupted'
      ? {
          reason: `interrupted (Ctrl-C) after ${measured.filter((cell) => cell.steps.length > 0).length} of ${cells.length} cells; what was measured is kept`,
        }
      : status === 'failed'
        ? { reason: fatal ?? 'no cell could be measured (see the failed cells)' }
        : {}),
  };
  progress.phase('writing results.json, the charts, report.md and report.html');
  const report = await writeReport(dir, results, { log: () => undefined });
  progress.stop();
  return { dir, results, report };
};
