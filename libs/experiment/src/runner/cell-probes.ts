import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { CellSystem } from './cell-system';
import { runOpenLoop, type RequestTarget, type ScenarioDriver } from '@qf/loadgen';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type {
  CellResult,
  HistoryLatency,
  ReplayResult,
  StepResult,
  StoragePerChange,
} from '../results/experiment-results';
import { probeConsistency } from './consistency.probe';
import { historyProbeSeconds, probeHistory } from './history.probe';
import { describeLoss, ProcessWatch, type WatchedProcess } from './process-watch';
import type { RunProgressReporter } from './progress';
import { replayAuditLog, replayReadModels, waitForSteadyCount } from './replay.probe';
import type { CellPlan } from './run-plan';
import { shortReason } from './short-reason';
import { measureStoragePerChange } from './storage.probe';

export interface ProbeContext {
  readonly plan: CellPlan;
  readonly config: ExperimentConfig;
  readonly where: string;
  readonly commands: RequestTarget;
  readonly reads: RequestTarget;
  readonly driver: ScenarioDriver;
  readonly watched: readonly WatchedProcess[];
  readonly progress: RunProgressReporter;
  readonly signal: AbortSignal;
  readonly notes: string[];
}

/**
 * Time to consistency under load: the workload is offered at `rate` while probes register
 * players and time how long until the query side shows them (ES: the read model; CRUD: the
 * audit log through history). Returns the figure, or the loss that failed the cell.
 */
export const probeCellConsistency = async (
  ctx: ProbeContext,
  rate: number,
): Promise<{ consistency: NonNullable<CellResult['consistency']>; failure?: string }> => {
  const probes = ctx.config.measure.consistencyProbes;
  ctx.progress.phase(
    `${ctx.where}: time to consistency, ${probes} probes under load at ${rate} req/s`,
  );
  const watch = new ProcessWatch(ctx.watched);
  const spreadMs = ctx.config.durations.stepSeconds * 1000;
  const [, probe] = await Promise.all([
    runOpenLoop({
      rate,
      durationMs: spreadMs,
      drainTimeoutMs: 5000,
      maxInFlight: 10_000,
      next: () => ctx.driver.next(),
      signal: ctx.signal,
    }),
    probeConsistency({
      arch: ctx.plan.arch,
      commands: ctx.commands,
      reads: ctx.reads,
      probes,
      spreadMs: spreadMs * 0.8,
      signal: ctx.signal,
    }),
  ]);
  const lost = watch.lost();
  ctx.progress.line(
    `${ctx.where}: time to consistency p50 ${probe.summary.p50} ms, p95 ${probe.summary.p95} ms, ${probe.summary.timeouts} timeouts`,
  );
  return {
    consistency: { offeredRate: rate, summary: probe.summary, errors: probe.errors },
    ...(lost.length > 0 ? { failure: describeLoss(lost, 'during the consistency probes') } : {}),
  };
};

/** The rate the consistency probes offer: the config's common rate, else the cell's λ step. */
export const consistencyRate = (
  config: ExperimentConfig,
  steps: readonly StepResult[],
  chosenStep: number | undefined,
): number | undefined => {
  if (config.measure.consistencyRate !== undefined) return config.measure.consistencyRate;
  if (chosenStep !== undefined) return steps[chosenStep]?.offeredRate;
  return steps
    .filter((step) => step.status === 'ok')
    .sort((a, b) => a.offeredRate - b.offeredRate)[0]?.offeredRate;
};

export interface EndStateContext extends ProbeContext {
  readonly system: CellSystem;
  /** When the workload's players were registered (history probes ask after it). */
  readonly seededAt: number;
  /** The workload offered while the history probes run (the consistency rate); absent: none. */
  readonly loadRate?: number;
}

export interface EndState {
  readonly storage?: StoragePerChange;
  readonly history: HistoryLatency[];
  readonly replay: ReplayResult[];
}

/** At an architecture's end state: storage per change, replay, history and state-at latency under load. */
export const measureEndState = async (ctx: EndStateContext): Promise<EndState> => {
  const { plan, config, where, system } = ctx;
  const out: { storage?: StoragePerChange; history: HistoryLatency[]; replay: ReplayResult[] } = {
    history: [],
    replay: [],
  };
  if (!system.mongo || !system.kafka || !system.admin || !system.ownsData) {
    ctx.notes.push(
      `${where}: storage per change and replay were not measured: the harness does not own this system's topics and database`,
    );
    await probeHistoryInto(ctx, out);
    return out;
  }
  const clients = { mongo: system.mongo, kafka: system.kafka, admin: system.admin };
  const db = clients.mongo.db(plan.database);
  ctx.progress.phase(`${where}: end state: waiting for the consumers to catch up`);
  const live = db.collection(plan.arch === 'es' ? 'player_events' : 'audit_log');
  const steady = await waitForSteadyCount(() => live.estimatedDocumentCount(), {
    stableMs: 2000,
    timeoutMs: 60_000,
  });
  if (!steady.settled)
    ctx.notes.push(
      `${where}: the ${live.collectionName} count was still moving after 60 s; end-state figures are taken at ${steady.value} events`,
    );
  if (config.measure.storagePerChange) {
    ctx.progress.phase(`${where}: end state: storage per state change`);
    out.storage = await measureStoragePerChange(plan.arch, plan.topicPrefix, db, system.logDirs);
  }
  // Replay before the history probes: they offer the workload, which adds events to the log.
  if (config.measure.replay && !ctx.signal.aborted)
    out.replay.push(await replayCell(ctx, clients, steady.value));
  await probeHistoryInto(ctx, out);
  return out;
};

const probeHistoryInto = async (
  ctx: EndStateContext,
  out: { history: HistoryLatency[] },
): Promise<void> => {
  const { plan, config, where } = ctx;
  if (config.measure.historyProbes <= 0 || ctx.signal.aborted) return;
  ctx.progress.phase(
    `${where}: end state: history and state-at latency (${config.measure.historyProbes} requests each${ctx.loadRate === undefined ? '' : `, the workload at ${ctx.loadRate} req/s`})`,
  );
  const probe = () =>
    probeHistory({
      arch: plan.arch,
      reads: ctx.reads,
      playerIds: ctx.driver.players,
      probes: config.measure.historyProbes,
      since: ctx.seededAt,
      signal: ctx.signal,
      ...(ctx.loadRate === undefined ? {} : { loadRate: ctx.loadRate }),
    });
  const rate = ctx.loadRate;
  if (rate === undefined) {
    const probed = await probe();
    out.history.push(...probed.latencies);
    ctx.notes.push(...probed.notes.map((note) => `${where}: ${note}`));
    return;
  }
  // Under load: the workload at the consistency rate from before the first probe until the
  // last one is answered (the probes' own schedule plus a margin; stopped when they end).
  const stopLoad = new AbortController();
  const stop = () => stopLoad.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  const load = runOpenLoop({
    rate,
    durationMs: (historyProbeSeconds(config.measure.historyProbes) + 30) * 1000,
    drainTimeoutMs: 5000,
    maxInFlight: 10_000,
    next: () => ctx.driver.next(),
    signal: stopLoad.signal,
  });
  const probed = await probe().finally(() => {
    stop();
    ctx.signal.removeEventListener('abort', stop);
  });
  await load;
  out.history.push(...probed.latencies);
  ctx.notes.push(...probed.notes.map((note) => `${where}: ${note}`));
};

const replayCell = async (
  ctx: EndStateContext,
  clients: { mongo: MongoClient; kafka: Kafka; admin: Admin },
  events: number,
): Promise<ReplayResult> => {
  const { plan, where } = ctx;
  const view = plan.arch === 'es' ? 'every read model' : 'the audit log';
  ctx.progress.phase(`${where}: end state: replay of ${view} from offset 0 (${events} events)`);
  const options = {
    ...clients,
    database: plan.database,
    prefix: plan.topicPrefix,
    partitions: ctx.config.partitions,
    expectedEvents: events,
    signal: ctx.signal,
    onProgress: (done: number, expected: number) =>
      ctx.progress.line(`${where}: replay ${done}/${expected} events`),
  };
  const started = performance.now();
  try {
    const rebuilt =
      plan.arch === 'es' ? await replayReadModels(options) : await replayAuditLog(options);
    ctx.progress.line(
      `${where}: replay ${rebuilt.status === 'ok' ? `took ${rebuilt.seconds} s (${rebuilt.eventsPerSecond} events/s)` : `failed: ${rebuilt.reason}`}`,
    );
    return rebuilt;
  } catch (error) {
    return {
      arch: plan.arch,
      view,
      events: 0,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      eventsPerSecond: 0,
      status: 'failed',
      reason: shortReason(error),
    };
  }
};
