import { randomBytes } from 'node:crypto';
import { probeConsistency } from '@qf/experiment';
import { fleetDown, fleetUp, planReplicas } from '@qf/fleet';
import {
  HttpTarget,
  formatProgress,
  machineInfo,
  runOpenLoop,
  ScenarioDriver,
  SCENARIOS,
  seededRandom,
  type LatencySummary,
  type MachineInfo,
} from '@qf/loadgen';

/**
 * Time to consistency on the ES side: the whole fleet (gateway, processor, projector,
 * query service as separate processes, a named fleet so it never touches the default
 * one) under a fixed open-loop command rate, while probes write through the gateway and
 * poll the query API until the new version shows. Each probe is timed from the
 * gateway's answer — the events are committed then — to the first read that shows them.
 */
export interface ConsistencyBenchOptions {
  readonly rate: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly players: number;
  readonly partitions: number;
  readonly probes: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_CONSISTENCY_BENCH: Omit<ConsistencyBenchOptions, 'log'> = {
  rate: 1000,
  durationSeconds: 30,
  warmupSeconds: 5,
  players: 2000,
  partitions: 12,
  probes: 300,
  seed: 42,
};

export interface ConsistencyBenchReport {
  readonly benchmark: 'time-to-consistency';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Omit<ConsistencyBenchOptions, 'log'>;
  readonly load: {
    readonly achievedRate: number;
    readonly ok: number;
    readonly failed: number;
    readonly latency: LatencySummary;
  };
  readonly consistency: {
    readonly count: number;
    readonly timeouts: number;
    readonly errors: number;
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
  };
}

const BENCH_FLEET_ID = 'benchtoc';
const BENCH_PORT_OFFSET = 11_000;

export const runConsistencyBench = async (
  options: ConsistencyBenchOptions,
): Promise<ConsistencyBenchReport> => {
  const log = options.log ?? (() => undefined);
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const run = randomBytes(3).toString('hex');
  const previous = { id: process.env['QF_FLEET_ID'], offset: process.env['QF_FLEET_PORT_OFFSET'] };
  process.env['QF_FLEET_ID'] = BENCH_FLEET_ID;
  process.env['QF_FLEET_PORT_OFFSET'] = String(BENCH_PORT_OFFSET);
  const env = {
    QF_TOPIC_PREFIX: `toc-${run}-`,
    QF_MONGO_DB: `qf_toc_${run}`,
    QF_PARTITIONS: String(options.partitions),
    QF_LOG_LEVEL: 'warn',
  };
  try {
    log(
      `starting the ES fleet (named fleet "${BENCH_FLEET_ID}", topics ${env.QF_TOPIC_PREFIX}*, database ${env.QF_MONGO_DB})…`,
    );
    await fleetUp({ arch: 'es', env, healthTimeoutMs: 120_000, log });
    const [gateway] = planReplicas({ 'command-gateway': 1 });
    const [query] = planReplicas({ 'query-service': 1 });
    const commands = new HttpTarget(`http://127.0.0.1:${gateway!.httpPort}`, { connections: 256 });
    const reads = new HttpTarget(`http://127.0.0.1:${query!.httpPort}`, { connections: 64 });
    const writeHeavy = SCENARIOS['write-heavy']!;
    const driver = new ScenarioDriver(
      { ...writeHeavy, players: options.players, distribution: { kind: 'uniform' } },
      commands,
      reads,
      seededRandom(options.seed),
    );
    log(`registering ${options.players} players…`);
    await driver.registerPlayers(64);

    log(
      `driving ${options.rate} commands/s for ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s, with ${options.probes} consistency probes…`,
    );
    const controller = new AbortController();
    let probing: ReturnType<typeof probeConsistency> | undefined;
    const load = runOpenLoop({
      rate: options.rate,
      durationMs: options.durationSeconds * 1000,
      warmupMs: options.warmupSeconds * 1000,
      next: () => driver.next(),
      progressEveryMs: 5000,
      onProgress: (progress) => log(formatProgress(progress)),
      onMeasureStart: () => {
        probing = probeConsistency({
          arch: 'es',
          commands,
          reads,
          probes: options.probes,
          spreadMs: options.durationSeconds * 1000 * 0.9,
          signal: controller.signal,
        });
      },
    });
    const result = await load;
    const probed = probing ? await probing : undefined;
    controller.abort();
    return {
      benchmark: 'time-to-consistency',
      startedAt,
      machine,
      settings: { ...options, log: undefined } as Omit<ConsistencyBenchOptions, 'log'>,
      load: {
        achievedRate: result.achievedRate,
        ok: result.ok,
        failed: result.failed,
        latency: result.latency,
      },
      consistency: {
        count: probed?.summary.count ?? 0,
        timeouts: probed?.summary.timeouts ?? 0,
        errors: probed?.errors ?? 0,
        p50: probed?.summary.p50 ?? Number.NaN,
        p95: probed?.summary.p95 ?? Number.NaN,
        p99: probed?.summary.p99 ?? Number.NaN,
      },
    };
  } finally {
    await fleetDown().catch((error: unknown) => log(`fleet down failed: ${String(error)}`));
    if (previous.id === undefined) delete process.env['QF_FLEET_ID'];
    else process.env['QF_FLEET_ID'] = previous.id;
    if (previous.offset === undefined) delete process.env['QF_FLEET_PORT_OFFSET'];
    else process.env['QF_FLEET_PORT_OFFSET'] = previous.offset;
  }
};

export const formatConsistencyBench = (report: ConsistencyBenchReport): string => {
  const { load, consistency, settings, machine } = report;
  return [
    `time to consistency (gateway answer → visible through the query API), ES fleet, ${settings.partitions} partitions`,
    `  load: asked ${settings.rate} commands/s, achieved ${load.achievedRate.toFixed(0)}/s (ok ${load.ok}, failed ${load.failed}); command latency p50 ${load.latency.p50.toFixed(1)} ms, p95 ${load.latency.p95.toFixed(1)} ms, p99 ${load.latency.p99.toFixed(1)} ms`,
    `  consistency: ${consistency.count} probes, p50 ${consistency.p50.toFixed(1)} ms, p95 ${consistency.p95.toFixed(1)} ms, p99 ${consistency.p99.toFixed(1)} ms, ${consistency.timeouts} timeouts, ${consistency.errors} errors`,
    `  machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}; Kafka, Mongo-wire server, Redis, 4 services and the load generator share it`,
  ].join('\n');
};
