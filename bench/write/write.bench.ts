import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { topicNames } from '@qf/contracts';
import {
  formatProgress,
  formatResultTable,
  formatTable,
  HttpTarget,
  machineInfo,
  runOpenLoop,
  ScenarioDriver,
  SCENARIOS,
  seededRandom,
  type KeyDistribution,
  type MachineInfo,
  type OpenLoopResult,
  type OperationMix,
} from '@qf/loadgen';
import {
  createInfraContext,
  fleetCatalog,
  freePort,
  INFRA_PREFIX,
  infraUp,
  isRecordedAlive,
  listRecorded,
  startServiceProcess,
  type ServiceProcess,
} from '@qf/local-infra';
import { repoRoot } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import { cpuSecondsOf } from './process-cpu';

/** `qf bench write` settings. */
export interface WriteBenchOptions {
  /** es: command gateway + processors; crud: the CRUD service (same API). */
  readonly target: 'es' | 'crud';
  /** Drive an already running service at this URL instead of starting one. */
  readonly baseUrl?: string;
  readonly rate: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly players: number;
  readonly scenario: string;
  readonly mix?: OperationMix;
  readonly distribution: KeyDistribution;
  readonly connections: number;
  /** Processors started for the es target. */
  readonly processors: number;
  /** QF_PARTITIONS of the topics the started services create. */
  readonly partitions: number;
  readonly seed: number;
  /** Keep the per-run topics (es target) instead of deleting them at the end. */
  readonly keepTopics: boolean;
  /** Where the JSON goes (default reports/bench/write-<target>-<time>.json). */
  readonly out?: string;
  /** Extra environment for the services started (QF_GATEWAY_LINGER_MS, …). */
  readonly serviceEnv?: Readonly<Record<string, string>>;
}

/** What the run printed, as JSON. */
export interface WriteBenchReport {
  readonly benchmark: 'write';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly backend: Readonly<Record<string, string>>;
  readonly settings: Record<string, unknown>;
  readonly result: OpenLoopResult;
  /** CPU seconds each process used during the run (those this run started, the local infra servers, and itself). */
  readonly cpuSeconds: Readonly<Record<string, number>>;
}

const versionOf = (pkg: string): string => {
  try {
    return (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8'),
      ) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
};

interface StartedTarget {
  readonly baseUrl: string;
  readonly processes: ServiceProcess[];
  readonly cleanup: () => Promise<void>;
  readonly backend: Record<string, string>;
}

/** Starts what the target needs as child processes (own topics per run on the ES side). */
const startTarget = async (
  options: WriteBenchOptions,
  log: (line: string) => void,
): Promise<StartedTarget> => {
  const infra = await infraUp(createInfraContext(), { brokers: 1 });
  const common = {
    KAFKA_BROKERS: infra.kafkaBrokers,
    MONGO_URL: infra.mongoUrl,
    REDIS_URL: infra.redisUrl,
    NODE_ENV: 'production',
    QF_LOG_LEVEL: 'warn',
    QF_KAFKA_LOG_LEVEL: 'error',
    ...options.serviceEnv,
  };
  const processes: ServiceProcess[] = [];
  const stopAll = () =>
    Promise.all(processes.map((service) => service.stop())).then(() => undefined);
  try {
    if (options.target === 'crud') {
      const spec = fleetCatalog.find((service) => service.name === 'crud-service');
      if (!spec || !fs.existsSync(path.join(repoRoot, spec.entry)))
        throw new Error('the crud-service is not there yet: pass --base-url of a running one');
      const port = await freePort();
      const grpcPort = await freePort();
      log(`starting crud-service on :${port}`);
      processes.push(
        await startServiceProcess({
          name: 'bench-crud-service',
          entry: spec.entry,
          healthPort: port,
          env: { ...common, QF_HTTP_PORT: String(port), QF_GRPC_PORT: String(grpcPort) },
        }),
      );
      return {
        baseUrl: `http://127.0.0.1:${port}`,
        processes,
        cleanup: stopAll,
        backend: { mongoWire: infra.mongoUrl },
      };
    }

    const prefix = `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}-`;
    const env = { ...common, QF_TOPIC_PREFIX: prefix, QF_PARTITIONS: String(options.partitions) };
    log(
      `topics ${prefix}* with ${options.partitions} partitions; starting ${options.processors} processor(s) and a gateway`,
    );
    const processors = await Promise.all(
      Array.from({ length: options.processors }, async (_, index) => {
        const port = await freePort();
        return startServiceProcess({
          name: `bench-command-processor-${index + 1}`,
          entry: 'apps/command-processor/src/main.ts',
          healthPort: port,
          env: { ...env, QF_HTTP_PORT: String(port) },
        });
      }),
    );
    processes.push(...processors);
    const port = await freePort();
    const grpcPort = await freePort();
    processes.push(
      await startServiceProcess({
        name: 'bench-command-gateway',
        entry: 'apps/command-gateway/src/main.ts',
        healthPort: port,
        env: {
          ...env,
          QF_HTTP_PORT: String(port),
          QF_GRPC_PORT: String(grpcPort),
          QF_GATEWAY_INSTANCE: '0',
        },
      }),
    );
    const cleanup = async () => {
      await stopAll();
      if (options.keepTopics) return;
      const admin = createKafka('qf-bench').admin();
      await admin.connect();
      const topics = topicNames(prefix);
      const existing = new Set(await admin.listTopics());
      await admin
        .deleteTopics({ topics: Object.values(topics).filter((topic) => existing.has(topic)) })
        .catch(() => undefined);
      await admin.disconnect();
    };
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      processes,
      cleanup,
      backend: { kafka: infra.kafkaBrokers, kafkajs: versionOf('kafkajs'), topicPrefix: prefix },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/**
 * The write benchmark: registers a pool of players, then drives the command API open loop
 * at a constant rate and reports the achieved rate and latency percentiles (HdrHistogram,
 * from each request's intended send time), with the machine and the settings.
 */
export const runWriteBench = async (
  options: WriteBenchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<WriteBenchReport> => {
  const startedAt = new Date().toISOString();
  const started = options.baseUrl ? undefined : await startTarget(options, log);
  const baseUrl = options.baseUrl ?? (started as StartedTarget).baseUrl;
  const target = new HttpTarget(baseUrl, { connections: options.connections });
  try {
    const base = SCENARIOS[options.scenario];
    if (!base)
      throw new Error(
        `unknown scenario ${options.scenario}; known: ${Object.keys(SCENARIOS).join(', ')}`,
      );
    const spec = {
      ...base,
      ...(options.mix ? { mix: options.mix } : {}),
      players: options.players,
      distribution: options.distribution,
    };
    const driver = new ScenarioDriver(spec, target, target, seededRandom(options.seed));
    log(`registering ${options.players} players at ${baseUrl}`);
    const registerStart = Date.now();
    await driver.registerPlayers(Math.min(options.connections, 64), (done) =>
      log(`  ${done} registered`),
    );
    log(
      `registered in ${((Date.now() - registerStart) / 1000).toFixed(1)}s; open loop at ${options.rate}/s for ${options.warmupSec}s warm-up + ${options.durationSec}s`,
    );

    // The local infrastructure's servers (Kafka …) are measured too: on one machine their CPU is part of the cost.
    const infra = listRecorded(createInfraContext(), INFRA_PREFIX).filter(isRecordedAlive);
    const pids = new Map<string, number>([
      ['loadgen', process.pid],
      ...(started?.processes ?? []).map(
        (service) => [service.name, service.pid] as [string, number],
      ),
      ...infra.map((record) => [record.name, record.pid] as [string, number]),
    ]);
    const cpuBefore = new Map([...pids].map(([name, pid]) => [name, cpuSecondsOf(pid)]));
    const result = await runOpenLoop({
      rate: options.rate,
      durationMs: options.durationSec * 1000,
      warmupMs: options.warmupSec * 1000,
      next: () => driver.next(),
      onProgress: (progress) => log(formatProgress(progress)),
    });
    const cpuSeconds = Object.fromEntries(
      [...pids].flatMap(([name, pid]) => {
        const after = cpuSecondsOf(pid);
        const before = cpuBefore.get(name);
        return after === undefined || before === undefined
          ? []
          : [[name, Math.round((after - before) * 100) / 100]];
      }),
    );

    return {
      benchmark: 'write',
      startedAt,
      machine: machineInfo(),
      backend: {
        target: options.target,
        baseUrl,
        node: process.version,
        ...(started?.backend ?? {}),
      },
      settings: {
        rate: options.rate,
        durationSec: options.durationSec,
        warmupSec: options.warmupSec,
        players: options.players,
        scenario: spec.name,
        mix: spec.mix,
        distribution: options.distribution,
        connections: options.connections,
        seed: options.seed,
        ...(started
          ? {
              processors: options.processors,
              partitions: options.partitions,
              serviceEnv: options.serviceEnv ?? {},
            }
          : { startedServices: false }),
      },
      result,
      cpuSeconds,
    };
  } finally {
    await target.close().catch(() => undefined);
    if (started) {
      log('stopping the services this run started');
      await started.cleanup();
    }
  }
};

/** The report as text: machine and settings, the headline, the per-operation table, CPU per process. */
export const formatWriteBench = (report: WriteBenchReport): string => {
  const { result, machine, settings } = report;
  const headline = formatTable(
    [
      'target',
      'intended/s',
      'achieved/s',
      'decided/s',
      'ok',
      'failed',
      'p50 ms',
      'p95 ms',
      'p99 ms',
    ],
    [
      [
        String(report.backend['target']),
        String(result.intendedRate),
        result.achievedRate.toFixed(0),
        result.decidedRate.toFixed(0),
        String(result.ok),
        String(result.failed),
        result.latency.p50.toFixed(2),
        result.latency.p95.toFixed(2),
        result.latency.p99.toFixed(2),
      ],
    ],
  );
  return [
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
    `backend: ${Object.entries(report.backend)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')}`,
    `settings: ${JSON.stringify(settings)}`,
    '',
    headline,
    '',
    formatResultTable(result),
    '',
    `statuses: ${JSON.stringify(result.statuses)}`,
    `cpu seconds during the run: ${Object.entries(report.cpuSeconds)
      .map(([name, seconds]) => `${name}=${seconds}`)
      .join(' ')}`,
  ].join('\n');
};

export {
  formatTxnCeiling,
  runTxnCeilingBench,
  DEFAULT_TXN_CEILING,
  type TxnCeilingReport,
} from './txn-ceiling.bench';
