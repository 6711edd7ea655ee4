import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import {
  HttpTarget,
  runOpenLoop,
  ScenarioDriver,
  seededRandom,
  type OpenLoopResult,
  type RequestTarget,
} from '@qf/loadgen';
import type { InfraContext } from '@qf/local-infra';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type {
  CellResult,
  HistoryLatency,
  ReplayResult,
  StepResult,
  StoragePerChange,
} from '../results/experiment-results';
import { RateSearch } from '../search/rate-search';
import {
  clockTicksPerSecond,
  ResourceSampler,
  type SamplingWindow,
} from '../sampler/resource-sampler';
import { removeCellData } from './cell-cleanup';
import { startCellFleet, stopCellFleet, type CellFleet } from './cell-fleet';
import { probeConsistency } from './consistency.probe';
import { consumerGroupsOf, measureConsumerLag } from './consumer-lag.probe';
import { probeHistory } from './history.probe';
import { infraSampleTargets } from './infra-probe';
import { machineBusySeconds } from './machine-busy';
import { RoundRobinTarget } from './load-spread';
import { describeLoss, ProcessWatch, type WatchedProcess } from './process-watch';
import { formatStepProgress, type ProgressReporter } from './progress';
import { replayAuditLog, replayReadModels, waitForSteadyCount } from './replay.probe';
import { maxStepsPerCell, type CellPlan } from './run-plan';
import type { RunTracker } from './run-tracker';
import {
  bestPassingStep,
  buildStepResult,
  emptyFailedStep,
  failStep,
  sloLatency,
} from './step-result';
import { measureDisk, measureStoragePerChange } from './storage.probe';
import { InFlightCounter, scenarioOf } from './workload';

/** What a cell needs from the run. */
export interface CellDeps {
  readonly config: ExperimentConfig;
  readonly ctx: InfraContext;
  readonly mongo: MongoClient;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly logDirs: readonly string[];
  readonly progress: ProgressReporter;
  readonly tracker: RunTracker;
  readonly signal: AbortSignal;
  /** Keep the cell's topics and database after it (default: removed). */
  readonly keepData: boolean;
  /** Called with the cell as measured so far after every step (for checkpoints). */
  readonly onStep?: (partial: CellResult) => void;
}

/** Everything one cell measured. */
export interface CellOutcome {
  readonly cell: CellResult;
  readonly storage?: StoragePerChange;
  readonly history: readonly HistoryLatency[];
  readonly replay: readonly ReplayResult[];
  readonly notes: readonly string[];
}

/** Waits `ms`, or less when the run is interrupted meanwhile. */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });

/** The first lines of an error, short enough for a report table. */
export const shortReason = (error: unknown): string => {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').slice(0, 6).join(' | ');
  return lines.length > 600 ? `${lines.slice(0, 597)}...` : lines;
};

const INTERRUPTED = 'interrupted (Ctrl-C)';

/** The load generator's targets for a fleet: every replica of each front, in turn. */
const frontTargets = (fleet: CellFleet) => {
  const open = (urls: readonly string[]) =>
    urls.map((url) => new HttpTarget(url, { connections: 64, timeoutMs: 10_000 }));
  const commandTargets = open(fleet.urls.commands);
  const readTargets =
    fleet.urls.reads.join() === fleet.urls.commands.join()
      ? commandTargets
      : open(fleet.urls.reads);
  return {
    commands: new RoundRobinTarget(commandTargets) as RequestTarget,
    reads: new RoundRobinTarget(readTargets) as RequestTarget,
    close: async () => {
      await Promise.all(
        [...new Set([...commandTargets, ...readTargets])].map((target) => target.close()),
      );
    },
  };
};

/** Waits until the ES read side shows the last seeded players (the projector caught up). */
const waitForSeedVisible = async (reads: RequestTarget, playerIds: readonly string[]) => {
  const deadline = Date.now() + 60_000;
  const pending = new Set(playerIds);
  while (pending.size > 0) {
    for (const playerId of [...pending]) {
      const response = await reads.get(`/players/${playerId}`).catch(() => undefined);
      if (response?.status === 200) pending.delete(playerId);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `the query side did not show ${pending.size} of the last seeded players within 60 s`,
      );
    await sleep(200);
  }
};

/**
 * One cell: a fresh fleet with the cell's replicas, seeded players, the rate search (or the
 * one fixed rate of the load axis) with /proc sampling of every process per step, the time
 * to consistency at the chosen rate, and — at an architecture's end state — storage per
 * change, history latency and replay. A lost process or a thrown error fails the cell with
 * its reason; what was measured before is kept.
 */
export const runCell = async (plan: CellPlan, deps: CellDeps): Promise<CellOutcome> => {
  const { config, progress, tracker, signal } = deps;
  const where = `${plan.arch} k=${plan.k} ${plan.workload.name}`;
  const steps: StepResult[] = [];
  const notes: string[] = [];
  const history: HistoryLatency[] = [];
  const replay: ReplayResult[] = [];
  let storage: StoragePerChange | undefined;
  let failure: string | undefined;
  let chosenStep: number | undefined;
  const cellStarted = performance.now();
  let measuredSeconds = 0;
  let sampler: ResourceSampler | undefined;
  /** CPU the rest of the machine used during the measured windows (another user's job, the OS). */
  const outside = { cpuSeconds: 0, windowSeconds: 0, known: true };
  let targets: ReturnType<typeof frontTargets> | undefined;
  const db = deps.mongo.db(plan.database);
  const maxSteps = maxStepsPerCell(config);
  const base = {
    arch: plan.arch,
    workload: plan.workload.name,
    k: plan.k,
    replicas: plan.replicas,
    partitions: config.partitions,
  };
  const cellResult = (): CellResult => ({
    ...base,
    status: failure === undefined ? 'ok' : 'failed',
    ...(failure === undefined ? {} : { reason: failure }),
    steps: [...steps],
    ...(chosenStep === undefined ? {} : { chosenStep }),
  });

  tracker.beginCell(plan.index);
  try {
    const replicaText = Object.entries(plan.replicas)
      .map(([service, count]) => `${service}×${count}`)
      .join(', ');
    progress.phase(
      `${where}: starting the fleet (${replicaText}; ${config.partitions} partitions, topics ${plan.topicPrefix}*)`,
    );
    const fleet = await startCellFleet(plan, config, () => undefined);
    const infra = infraSampleTargets(deps.ctx);
    sampler = new ResourceSampler([
      ...fleet.replicas.map((replica) => ({
        name: replica.label,
        role: 'service' as const,
        pid: replica.pid,
      })),
      ...infra,
      { name: 'loadgen', role: 'loadgen', pid: process.pid, includeChildren: false },
    ]).start();
    const watched: WatchedProcess[] = [
      ...fleet.replicas.map((replica) => ({ name: replica.process, pid: replica.pid })),
      ...infra.map((target) => ({ name: target.name, pid: target.pid })),
    ];
    targets = frontTargets(fleet);
    const groups = consumerGroupsOf(plan.arch, plan.topicPrefix);

    progress.phase(
      `${where}: seeding ${plan.workload.players} players through ${fleet.urls.commands.length} front replica(s)`,
    );
    const driver = new ScenarioDriver(
      scenarioOf(plan.workload),
      targets.commands,
      targets.reads,
      seededRandom(42 + plan.index),
    );
    await driver.registerPlayers(32);
    if (plan.arch === 'es') await waitForSeedVisible(targets.reads, driver.players.slice(-20));
    const seededAt = Date.now();
    const inFlight = new InFlightCounter();

    /** One measured step at `rate`: open-loop load, /proc window, disk and lag at its end. */
    const measureStep = async (rate: number): Promise<StepResult> => {
      const index = steps.length;
      const startedAt = new Date().toISOString();
      const watch = new ProcessWatch(watched);
      const missing = watch.missingAtStart();
      if (missing.length > 0)
        return emptyFailedStep(
          index,
          rate,
          startedAt,
          describeLoss(missing, 'before the step started'),
        );
      let window: SamplingWindow | undefined;
      let windowStart = 0;
      let busyAtStart: number | undefined;
      let loop: OpenLoopResult;
      inFlight.takePeak();
      try {
        loop = await runOpenLoop({
          rate,
          durationMs: config.durations.stepSeconds * 1000,
          warmupMs: config.durations.warmupSeconds * 1000,
          drainTimeoutMs: 5000,
          maxInFlight: 10_000,
          next: () => inFlight.wrap(driver.next()),
          onMeasureStart: () => {
            window = sampler?.openWindow();
            windowStart = performance.now();
            busyAtStart = machineBusySeconds(clockTicksPerSecond());
          },
          progressEveryMs: 5000,
          onProgress: (report) =>
            progress.line(
              formatStepProgress(where, { number: index + 1, max: maxSteps, rate }, report),
            ),
          signal,
        });
      } catch (error) {
        window?.close();
        return emptyFailedStep(index, rate, startedAt, `load generator: ${shortReason(error)}`);
      }
      const processes = window?.close() ?? [];
      const windowSeconds = windowStart > 0 ? (performance.now() - windowStart) / 1000 : 0;
      const busyAtEnd = machineBusySeconds(clockTicksPerSecond());
      if (busyAtStart !== undefined && busyAtEnd !== undefined && windowSeconds > 0) {
        const sampled = processes.reduce((sum, usage) => sum + usage.cpuSeconds, 0);
        outside.cpuSeconds += Math.max(0, busyAtEnd - busyAtStart - sampled);
        outside.windowSeconds += windowSeconds;
      } else outside.known = false;
      const lost = watch.lost();
      const disk = await measureDisk(plan.arch, plan.topicPrefix, db, deps.logDirs).catch(
        (error: unknown) => {
          notes.push(`${where} step ${index}: disk not measured (${shortReason(error)})`);
          return [];
        },
      );
      const consumerLag = await measureConsumerLag(deps.admin, groups).catch((error: unknown) => {
        notes.push(`${where} step ${index}: lag not measured (${shortReason(error)})`);
        return undefined;
      });
      const step = buildStepResult(
        {
          index,
          offeredRate: rate,
          startedAt,
          windowSeconds,
          loop,
          processes,
          disk,
          ...(consumerLag ? { consumerLag } : {}),
          saturation: { inFlightPeak: inFlight.takePeak() },
        },
        config.slo,
      );
      if (lost.length > 0) return failStep(step, describeLoss(lost, 'during the step'));
      if (signal.aborted) return failStep(step, `${INTERRUPTED} during the step`);
      return step;
    };

    const search = plan.offeredRate === undefined ? new RateSearch(config.search) : undefined;
    let rate = plan.offeredRate ?? search?.next();
    while (rate !== undefined && !signal.aborted) {
      const stepStarted = performance.now();
      const step = await measureStep(rate);
      steps.push(step);
      measuredSeconds += (performance.now() - stepStarted) / 1000;
      const verdict =
        step.status === 'failed'
          ? `FAILED: ${step.reason}`
          : `λ ${step.throughput.toFixed(1)}/s, p${config.slo.percentile} ${sloLatency(step.latencyMs, config.slo.percentile).toFixed(1)} ms, errors ${step.requests.errors}, rejections ${step.requests.rejections} → ${step.withinSlo ? 'holds' : 'misses'} the SLO`;
      progress.line(`${where} step ${step.index + 1} @ ${rate} req/s: ${verdict}`);
      deps.onStep?.(cellResult());
      if (step.status === 'failed') {
        if (!signal.aborted) failure = step.reason;
        tracker.stepDone((performance.now() - stepStarted) / 1000);
        break;
      }
      search?.record(rate, step.withinSlo);
      rate = search?.next();
      if (rate !== undefined) await sleep(config.durations.cooldownSeconds * 1000, signal);
      tracker.stepDone((performance.now() - stepStarted) / 1000);
    }
    tracker.searchDone();
    chosenStep = search
      ? bestPassingStep(steps)
      : steps[0]?.status === 'ok'
        ? steps[0].index
        : undefined;
    if (search && failure === undefined) {
      const state = search.state();
      if (state.stopReason) progress.line(`${where}: search over (${state.stopReason})`);
    }

    // Time to consistency under load at the rate that sets λ(k) (else the lowest rate measured).
    const probeIndex =
      chosenStep ??
      steps.filter((step) => step.status === 'ok').sort((a, b) => a.offeredRate - b.offeredRate)[0]
        ?.index;
    const probeStep = probeIndex === undefined ? undefined : steps[probeIndex];
    if (
      failure === undefined &&
      !signal.aborted &&
      config.measure.consistencyProbes > 0 &&
      probeStep
    ) {
      const probeStarted = performance.now();
      progress.phase(
        `${where}: time to consistency, ${config.measure.consistencyProbes} probes under load at ${probeStep.offeredRate} req/s`,
      );
      const watch = new ProcessWatch(watched);
      const spreadMs = config.durations.stepSeconds * 1000;
      const [, probe] = await Promise.all([
        runOpenLoop({
          rate: probeStep.offeredRate,
          durationMs: spreadMs,
          drainTimeoutMs: 5000,
          maxInFlight: 10_000,
          next: () => driver.next(),
          signal,
        }),
        probeConsistency({
          arch: plan.arch,
          commands: targets.commands,
          reads: targets.reads,
          probes: config.measure.consistencyProbes,
          spreadMs: spreadMs * 0.8,
          signal,
        }),
      ]);
      const lost = watch.lost();
      if (lost.length > 0) failure = describeLoss(lost, 'during the consistency probes');
      steps[probeStep.index] = { ...probeStep, timeToConsistency: probe.summary };
      if (probe.errors > 0)
        notes.push(
          `${where}: ${probe.errors} of ${config.measure.consistencyProbes} consistency probes could not write`,
        );
      progress.line(
        `${where}: time to consistency p50 ${probe.summary.p50} ms, p95 ${probe.summary.p95} ms, ${probe.summary.timeouts} timeouts`,
      );
      measuredSeconds += (performance.now() - probeStarted) / 1000;
    }
    tracker.probeDone();

    if (plan.endStateOfArch && failure === undefined && !signal.aborted) {
      const endStarted = performance.now();
      progress.phase(`${where}: end state: waiting for the consumers to catch up`);
      const live = db.collection(plan.arch === 'es' ? 'player_events' : 'audit_log');
      const steady = await waitForSteadyCount(() => live.estimatedDocumentCount(), {
        stableMs: 2000,
        timeoutMs: 60_000,
      });
      if (!steady.settled)
        notes.push(
          `${where}: the ${live.collectionName} count was still moving after 60 s; end-state figures are taken at ${steady.value} events`,
        );
      if (config.measure.storagePerChange) {
        progress.phase(`${where}: end state: storage per state change`);
        storage = await measureStoragePerChange(plan.arch, plan.topicPrefix, db, deps.logDirs);
      }
      if (config.measure.historyProbes > 0 && !signal.aborted) {
        progress.phase(
          `${where}: end state: history and state-at latency (${config.measure.historyProbes} requests each)`,
        );
        const probed = await probeHistory({
          arch: plan.arch,
          reads: targets.reads,
          playerIds: driver.players,
          probes: config.measure.historyProbes,
          since: seededAt,
          signal,
        });
        history.push(...probed.latencies);
        notes.push(...probed.notes.map((note) => `${where}: ${note}`));
      }
      if (config.measure.replay && !signal.aborted) {
        const view = plan.arch === 'es' ? 'every read model' : 'the audit log';
        progress.phase(
          `${where}: end state: replay of ${view} from offset 0 (${steady.value} events)`,
        );
        const options = {
          kafka: deps.kafka,
          admin: deps.admin,
          mongo: deps.mongo,
          database: plan.database,
          prefix: plan.topicPrefix,
          partitions: config.partitions,
          expectedEvents: steady.value,
          signal,
          onProgress: (done: number, expected: number) =>
            progress.line(`${where}: replay ${done}/${expected} events`),
        };
        try {
          const rebuilt =
            plan.arch === 'es' ? await replayReadModels(options) : await replayAuditLog(options);
          replay.push(rebuilt);
          progress.line(
            `${where}: replay ${rebuilt.status === 'ok' ? `took ${rebuilt.seconds} s (${rebuilt.eventsPerSecond} events/s)` : `failed: ${rebuilt.reason}`}`,
          );
        } catch (error) {
          replay.push({
            arch: plan.arch,
            view,
            events: 0,
            seconds: 0,
            eventsPerSecond: 0,
            status: 'failed',
            reason: shortReason(error),
          });
        }
      }
      tracker.endStateDone((performance.now() - endStarted) / 1000);
      measuredSeconds += (performance.now() - endStarted) / 1000;
    }
  } catch (error) {
    failure = shortReason(error);
    progress.line(`${where}: FAILED: ${failure}`);
  } finally {
    sampler?.stop();
    await targets?.close().catch(() => undefined);
    progress.phase(`${where}: stopping the fleet`);
    await stopCellFleet().catch((error: unknown) =>
      notes.push(`${where}: fleet down failed (${shortReason(error)})`),
    );
    if (!deps.keepData) {
      const problems = await removeCellData(
        deps.admin,
        deps.mongo,
        plan.topicPrefix,
        plan.database,
      );
      notes.push(...problems.map((problem) => `${where}: cleanup: ${problem}`));
    }
  }
  if (signal.aborted && failure === undefined)
    failure = `${INTERRUPTED} after ${steps.length} step(s); the steps measured are kept`;
  if (outside.known && outside.windowSeconds > 0)
    notes.push(
      `${where}: processes outside the measured system (other jobs on the machine, the kernel) used ${(outside.cpuSeconds / outside.windowSeconds).toFixed(2)} cores on average during the measured steps; that load competed with the system for the ${os.availableParallelism()} cores.`,
    );
  if (plan.endStateOfArch && failure !== undefined)
    notes.push(
      `${where}: replay, storage per change and history latency of ${plan.arch} were not measured: the architecture's last cell did not finish (${failure})`,
    );
  tracker.cellDone((performance.now() - cellStarted) / 1000 - measuredSeconds);
  return {
    cell: cellResult(),
    ...(storage ? { storage } : {}),
    history,
    replay,
    notes,
  };
};
