import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { topicNames } from '@qf/contracts';
import { fleetStatus } from '@qf/fleet';
import {
  createInfraContext,
  INFRA_PREFIX,
  infraUp,
  isRecordedAlive,
  listRecorded,
} from '@qf/local-infra';
import { DEFAULT_PROJECTOR_GROUP } from '@qf/player-read-model';
import { repoRoot } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import { freePort, startServiceProcess, type ServiceProcess } from '@qf/shared-testing';
import {
  commandsPerTransactionProbe,
  consumerLagProbe,
  gatewayKafkaProbe,
  recordsPerCommandProbe,
  type StepProbe,
} from './step-probe';

/** A process whose CPU a step measures, with the role it is reported under. */
export interface MeasuredProcess {
  readonly name: string;
  /** gateway, processor, broker, loadgen, database, cache, projector, query, crud, relay, audit … */
  readonly role: string;
  readonly pid: number;
}

/** What a write benchmark drives and measures. */
export interface WriteTarget {
  /** es / crud: services started by the benchmark; fleet: a running `qf fleet`; url: anything at a URL. */
  readonly kind: 'es' | 'crud' | 'fleet' | 'url';
  /** REST fronts taking commands (requests are spread over them in turn). */
  readonly commandUrls: readonly string[];
  /** The processes to measure (this one, the services, the local infrastructure). */
  readonly processes: readonly MeasuredProcess[];
  /** Figures measured around each step besides latency and CPU (the extension point). */
  readonly probes: readonly StepProbe[];
  readonly backend: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface TargetOptions {
  readonly target: 'es' | 'crud';
  /** Drive an already running service at this URL instead of starting one. */
  readonly baseUrl?: string;
  /** Drive the running `qf fleet` (QF_FLEET_ID) instead of starting services. */
  readonly fleet?: boolean;
  /** The topic prefix of a running fleet (default: QF_TOPIC_PREFIX). */
  readonly topicPrefix?: string;
  readonly processors: number;
  readonly partitions: number;
  readonly keepTopics: boolean;
  readonly serviceEnv?: Readonly<Record<string, string>>;
  /** Write a V8 CPU profile of every service started into this directory (crud target). */
  readonly profileDir?: string;
  /**
   * Starts the crud target (neither --fleet nor --base-url): the CRUD fleet with its relay
   * and audit consumer and their probes lives in @qf/bench-write-crud, which builds on
   * this library, so `qf bench write` hands it in here.
   */
  readonly startCrud?: (
    options: TargetOptions,
    log: (line: string) => void,
  ) => Promise<WriteTarget>;
}

const ROLES: ReadonlyArray<readonly [RegExp, string]> = [
  [/gateway/, 'gateway'],
  [/processor/, 'processor'],
  [/kafka/, 'broker'],
  [/mongo/, 'database'],
  [/redis/, 'cache'],
  [/projector/, 'projector'],
  [/query/, 'query'],
  [/crud/, 'crud'],
  [/relay/, 'relay'],
  [/audit/, 'audit'],
];

/** The role a process is reported under, from its name. */
export const roleOf = (name: string): string =>
  name === 'loadgen' ? 'loadgen' : (ROLES.find(([pattern]) => pattern.test(name))?.[1] ?? name);

export const measured = (name: string, pid: number): MeasuredProcess => ({
  name,
  role: roleOf(name),
  pid,
});

/** This process (the load generator) and the local infrastructure's servers: on one machine their CPU is part of the cost. */
const baseProcesses = (): MeasuredProcess[] => [
  measured('loadgen', process.pid),
  ...listRecorded(createInfraContext(), INFRA_PREFIX)
    .filter(isRecordedAlive)
    .map((record) => measured(record.name, record.pid)),
];

const versionOf = (pkg: string): string => {
  try {
    const file = path.join(repoRoot, 'node_modules', pkg, 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
};

/** The ES write path's figures: records per command on each topic, commands per transaction and per produce request, reply fetches. */
const esProbes = (
  admin: Admin,
  prefix: string,
  processorUrls: () => readonly string[],
  gatewayUrls: () => readonly string[],
): StepProbe[] => {
  const topics = topicNames(prefix);
  const written = Object.fromEntries(
    Object.entries(topics).filter(
      ([name]) => name !== 'commands' && !name.endsWith('DeadLetter') && !name.startsWith('crud'),
    ),
  );
  return [
    recordsPerCommandProbe(admin, topics.commands, written),
    commandsPerTransactionProbe(processorUrls),
    gatewayKafkaProbe(gatewayUrls),
  ];
};

const connectedAdmin = async (): Promise<Admin> => {
  const admin = createKafka('qf-bench-write').admin();
  await admin.connect();
  return admin;
};

/** Starts the ES write path (processors + a gateway) on topics of its own. */
const startEs = async (
  options: TargetOptions,
  log: (line: string) => void,
): Promise<WriteTarget> => {
  const infra = await infraUp(createInfraContext(), { brokers: 1 });
  const prefix = `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}-`;
  const env = {
    KAFKA_BROKERS: infra.kafkaBrokers,
    MONGO_URL: infra.mongoUrl,
    REDIS_URL: infra.redisUrl,
    NODE_ENV: 'production',
    QF_LOG_LEVEL: 'warn',
    QF_KAFKA_LOG_LEVEL: 'error',
    QF_TOPIC_PREFIX: prefix,
    QF_PARTITIONS: String(options.partitions),
    ...options.serviceEnv,
  };
  log(
    `topics ${prefix}* with ${options.partitions} partitions; starting ${options.processors} processor(s) and a gateway`,
  );
  const services: ServiceProcess[] = [];
  const admin = await connectedAdmin();
  const stop = async () => {
    await Promise.all(services.map((service) => service.stop()));
    if (!options.keepTopics) {
      const existing = new Set(await admin.listTopics());
      await admin
        .deleteTopics({
          topics: Object.values(topicNames(prefix)).filter((topic) => existing.has(topic)),
        })
        .catch(() => undefined);
    }
    await admin.disconnect();
  };
  try {
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
    services.push(...processors);
    const port = await freePort();
    services.push(
      await startServiceProcess({
        name: 'bench-command-gateway',
        entry: 'apps/command-gateway/src/main.ts',
        healthPort: port,
        env: {
          ...env,
          QF_HTTP_PORT: String(port),
          QF_GRPC_PORT: String(await freePort()),
          QF_GATEWAY_INSTANCE: '0',
        },
      }),
    );
    return {
      kind: 'es',
      commandUrls: [`http://127.0.0.1:${port}`],
      processes: [
        ...baseProcesses(),
        ...services.map((service) => measured(service.name, service.pid)),
      ],
      probes: esProbes(
        admin,
        prefix,
        () => processors.map((service) => service.baseUrl),
        () => [`http://127.0.0.1:${port}`],
      ),
      backend: { kafka: infra.kafkaBrokers, kafkajs: versionOf('kafkajs'), topicPrefix: prefix },
      settings: {
        processors: options.processors,
        partitions: options.partitions,
        serviceEnv: options.serviceEnv ?? {},
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/**
 * The fleet a user started with `qf fleet up` (the same QF_FLEET_ID): requests go to every
 * replica of the command front in turn; every replica's CPU is measured; on the ES side the
 * projector's time lag is sampled through each step (and waited for between steps).
 */
const attachFleet = async (
  options: TargetOptions,
  log: (line: string) => void,
): Promise<WriteTarget> => {
  const replicas = (await fleetStatus(createInfraContext(undefined, () => undefined))).filter(
    (replica) => replica.pid > 0,
  );
  const front = options.target === 'es' ? 'command-gateway' : 'crud-service';
  const commandUrls = replicas
    .filter((replica) => replica.service === front)
    .map((replica) => replica.httpUrl);
  if (commandUrls.length === 0)
    throw new Error(
      `no running ${front} in the fleet${process.env['QF_FLEET_ID'] ? ` ${process.env['QF_FLEET_ID']}` : ''}: start it with \`qf fleet up --arch ${options.target}\` (same QF_FLEET_ID)`,
    );
  const prefix = options.topicPrefix ?? process.env['QF_TOPIC_PREFIX'] ?? '';
  const admin = await connectedAdmin();
  const processorUrls = replicas
    .filter((replica) => replica.service === 'command-processor')
    .map((replica) => replica.httpUrl);
  const probes =
    options.target === 'es'
      ? [
          ...esProbes(
            admin,
            prefix,
            () => processorUrls,
            () => commandUrls,
          ),
          consumerLagProbe(admin, 'projector', `${prefix}${DEFAULT_PROJECTOR_GROUP}`, [
            topicNames(prefix).events,
          ]),
        ]
      : [];
  log(
    `driving the running fleet: ${replicas.map((replica) => replica.name).join(', ')} (topic prefix "${prefix}")`,
  );
  return {
    kind: 'fleet',
    commandUrls,
    processes: [
      ...baseProcesses(),
      ...replicas.map((replica) => measured(replica.name, replica.pid)),
    ],
    probes,
    backend: {
      fleet: process.env['QF_FLEET_ID'] ?? 'default',
      topicPrefix: prefix,
      kafkajs: versionOf('kafkajs'),
    },
    settings: { replicas: replicas.map((replica) => replica.name) },
    stop: () => admin.disconnect(),
  };
};

/** What the options name: services started here, a running fleet, or a URL. */
export const openWriteTarget = (
  options: TargetOptions,
  log: (line: string) => void,
): Promise<WriteTarget> => {
  if (options.fleet) return attachFleet(options, log);
  if (options.baseUrl)
    return Promise.resolve({
      kind: 'url',
      commandUrls: [options.baseUrl],
      processes: baseProcesses(),
      probes: [],
      backend: { baseUrl: options.baseUrl },
      settings: { startedServices: false },
      stop: async () => undefined,
    });
  if (options.target === 'es') return startEs(options, log);
  if (!options.startCrud)
    throw new Error(
      'the crud target is started by @qf/bench-write-crud: run `qf bench write --target crud`, or pass --base-url of a running crud-service',
    );
  return options.startCrud(options, log);
};
