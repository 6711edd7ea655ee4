import fs from 'node:fs';
import path from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { freePort, startServiceProcess, type ServiceProcess } from '@qf/shared-testing';
import { infraAddresses } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import { pidListeningOn } from './cost';
import type { CrudFleet } from './crud-step';

export interface CrudFleetOptions {
  readonly audit: 'outbox' | 'dual-write';
  readonly relays: number;
  readonly consumers: number;
  /** Partitions of the run's audit topic. */
  readonly partitions: number;
  /** Where the services log (default .local/logs/bench-write-crud/<run>). */
  readonly logDir?: string;
  /** Write a V8 CPU profile of every service into this directory. */
  readonly profileDir?: string;
  /** Extra environment for every service (QF_CRUD_STATE_CACHE, …). */
  readonly serviceEnv?: Readonly<Record<string, string>>;
  /** Keep the run's database and topics. */
  readonly keep?: boolean;
  readonly log: (line: string) => void;
}

/** A started CRUD fleet, what it runs against, and how to take it down. */
export interface StartedCrudFleet extends CrudFleet {
  readonly backend: Readonly<Record<string, string>>;
  readonly logDir: string;
  close(): Promise<void>;
}

/** Which server answers (from its command line when it runs here) and the version it reports. */
const describeServer = async (db: Db, pid: number | undefined): Promise<string> => {
  const info = await db
    .admin()
    .command({ buildInfo: 1 })
    .catch(() => ({}) as Record<string, unknown>);
  const version = typeof info['version'] === 'string' ? info['version'] : 'unknown';
  let command = '';
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    // not on this machine, or not readable
  }
  const name = /qf-mongo-wire-postgresql/.test(command)
    ? 'mongo-java-server 1.47 PostgreSQL backend'
    : /qf-mongo-wire\.jar/.test(command)
      ? `mongo-java-server 1.47 H2 (qf build${/:memory:/.test(command) ? ', in memory' : ''})`
      : /mongod\b/.test(command)
        ? 'MongoDB'
        : 'a MongoDB-wire server';
  return `${name}, reports MongoDB ${version}`;
};

/**
 * Starts audit-consumer(s), crud-service and outbox-relay(s) as child processes on a
 * database and topics of their own (the relays first find the topic the consumers created).
 * `qf bench write --target crud` and bench/write-crud run their steps against it.
 */
export const startCrudFleet = async (options: CrudFleetOptions): Promise<StartedCrudFleet> => {
  const infra = infraAddresses();
  const run = `${Date.now().toString(36)}`;
  const dbName = `qf_bench_crud_${run}`;
  const prefix = `bench-crud-${run}.`;
  const env = {
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    MONGO_URL: infra.mongoUrl,
    QF_MONGO_DB: dbName,
    QF_TOPIC_PREFIX: prefix,
    QF_PARTITIONS: String(options.partitions),
    QF_AUDIT_MODE: options.audit,
    QF_LOG_LEVEL: 'warn',
    QF_KAFKA_LOG_LEVEL: 'error',
    NODE_ENV: 'production',
    ...options.serviceEnv,
  };
  const mongo = await new MongoClient(infra.mongoUrl).connect();
  const db = mongo.db(dbName);
  const children: ServiceProcess[] = [];
  const logDir = options.logDir ?? path.join('.local', 'logs', 'bench-write-crud', run);
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = (name: string) => path.join(logDir, `${name}.log`);
  const nodeArgs = options.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`]
    : [];
  const close = async () => {
    await Promise.all(children.map((child) => child.stop().catch(() => undefined)));
    if (!options.keep) {
      await db.dropDatabase().catch(() => undefined);
      const admin = createKafka('bench-write-crud').admin();
      await admin
        .connect()
        .then(async () => {
          const existing = new Set(await admin.listTopics());
          await admin.deleteTopics({
            topics: Object.values(topicNames(prefix)).filter((topic) => existing.has(topic)),
          });
        })
        .catch(() => undefined)
        .finally(() => admin.disconnect());
    }
    await mongo.close();
  };
  try {
    options.log(
      `database ${dbName}, topics ${prefix}*, audit mode ${options.audit}; starting ${options.consumers} audit-consumer(s), ${options.relays} relay(s), crud-service`,
    );
    const consumers: ServiceProcess[] = [];
    for (let i = 0; i < options.consumers; i += 1)
      consumers.push(
        await startServiceProcess({
          name: `audit-consumer-${i + 1}`,
          entry: 'apps/audit-consumer/src/main.ts',
          env,
          nodeArgs,
          logFile: logFile(`audit-consumer-${i + 1}`),
        }),
      );
    children.push(...consumers);
    // A port the system hands out (a random pick could be some connection's local port).
    const grpcPort = String(await freePort());
    const crud = await startServiceProcess({
      name: 'crud-service',
      entry: 'apps/crud-service/src/main.ts',
      env: { ...env, QF_GRPC_PORT: grpcPort },
      nodeArgs,
      logFile: logFile('crud-service'),
    });
    children.push(crud);
    const relays: ServiceProcess[] = [];
    for (let i = 0; i < (options.audit === 'outbox' ? options.relays : 0); i += 1)
      relays.push(
        await startServiceProcess({
          name: `outbox-relay-${i + 1}`,
          entry: 'apps/outbox-relay/src/main.ts',
          env: { ...env, QF_RELAY_ID: `bench-relay-${i + 1}` },
          nodeArgs,
          logFile: logFile(`outbox-relay-${i + 1}`),
        }),
      );
    children.push(...relays);
    const mongoPid = pidListeningOn(Number(new URL(infra.mongoUrl).port || 27017));
    return {
      db,
      crud,
      relays,
      consumers,
      auditMode: options.audit,
      pids: new Map<string, number | undefined>([
        ['loadgen', process.pid],
        ['mongo-wire', mongoPid],
        ['kafka', pidListeningOn(Number(infra.kafkaBrokers[0]?.split(':')[1] ?? 9092))],
        ...children.map((child) => [child.name, child.pid] as [string, number | undefined]),
      ]),
      backend: {
        mongoWire: infra.mongoUrl,
        mongoWireServer: await describeServer(db, mongoPid),
        kafka: infra.kafkaBrokers.join(','),
        auditMode: options.audit,
        database: dbName,
        topicPrefix: prefix,
      },
      logDir,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
