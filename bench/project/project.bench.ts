import { cpuSecondsOf } from '@qf/bench-write';
import { pidListeningOn } from '@qf/bench-write-crud';
import { infraAddresses } from '@qf/shared-config';
import type { Admin, Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { formatTable, machineInfo, type MachineInfo } from '@qf/loadgen';
import type { PlayerEvent } from '@qf/player-domain';
import {
  cacheKeyPrefix,
  createProjector,
  DEFAULT_PROJECTOR_SETTINGS,
  prepareProjection,
  projectionTarget,
  type ProjectorSettings,
  type ProjectorWiring,
} from '@qf/player-read-model';
import {
  expectedReadModels,
  produceEvents,
  randomHistories,
  readModelSnapshot,
} from '@qf/player-read-model/testing';
import { awaitTopicServing, consumerGroupLag, createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { createRedis } from '@qf/shared-redis';
import { DEFAULT_STALL_SECONDS, untilCaughtUp } from './catch-up.watch';

/** Settings of a projection benchmark run. */
export interface ProjectBenchOptions {
  /** Events pre-filled on the topic (at least; the last player's stream is not cut). */
  readonly events: number;
  /** Players the events are spread over. */
  readonly players: number;
  readonly partitions: number;
  /** Write-through to the Redis player cache, as in production. */
  readonly cache: boolean;
  readonly settings: Partial<ProjectorSettings>;
  readonly stateCacheSize: number;
  readonly seed: number;
  /** Compare every read-model document with a plain fold of the log afterwards. */
  readonly verify: boolean;
  /** Keep the topics and the database (default: removed at the end). */
  readonly keep: boolean;
  /** Seconds without committed progress after which the run fails (default DEFAULT_STALL_SECONDS). */
  readonly stallSeconds?: number;
  readonly log?: (line: string) => void;
}

export const DEFAULT_PROJECT_BENCH: ProjectBenchOptions = {
  events: 200_000,
  players: 10_000,
  partitions: 12,
  cache: true,
  settings: {},
  stateCacheSize: 200_000,
  seed: 42,
  verify: false,
  keep: false,
};

/** What a run measured. */
export interface ProjectBenchReport {
  readonly benchmark: 'project';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly backends: { readonly kafka: string; readonly mongo: string; readonly redis: string };
  readonly settings: Omit<ProjectBenchOptions, 'log'> & {
    readonly projector: ProjectorSettings;
    readonly topic: string;
    readonly database: string;
  };
  readonly result: {
    readonly events: number;
    readonly players: number;
    /** Producing the log onto the topic (not part of the figure). */
    readonly prefillSeconds: number;
    /** From the projector's start (group joined) until its committed offsets reached the end of every partition. */
    readonly projectSeconds: number;
    readonly eventsPerSecond: number;
    readonly verified: boolean | 'skipped';
    /**
     * CPU microseconds per projected event while projecting, by process: the projector (this
     * process), and the Mongo-wire, Kafka and Redis servers when they run on this machine.
     */
    readonly cpuMicrosPerEvent?: Readonly<Record<string, number>>;
  };
}

/** A log of at least events events over players players (commands per player sized to get there). */
const logOf = (options: ProjectBenchOptions): PlayerEvent[] => {
  // About 85 % of the generated commands are accepted and a few cause two events.
  const commandsPerPlayer = Math.max(1, Math.ceil(options.events / options.players / 0.85));
  return randomHistories({
    players: options.players,
    commandsPerPlayer,
    seed: options.seed,
    rooms: 20,
    items: 12,
  });
};

const committedTotal = async (admin: Admin, groupId: string, topic: string): Promise<number> =>
  (await consumerGroupLag(admin, groupId, [topic], { offsetsOnly: true })).reduce(
    (sum, row) => sum + (row.committedOffset ?? 0),
    0,
  );

const backendVersions = async (
  kafka: Kafka,
  db: Db,
  redisInfo: string,
): Promise<ProjectBenchReport['backends']> => {
  const build = await db
    .admin()
    .command({ buildInfo: 1 })
    .catch(() => ({ version: 'unknown' }));
  const admin = kafka.admin();
  await admin.connect();
  const cluster = await admin.describeCluster().finally(() => admin.disconnect());
  return {
    kafka: `Apache Kafka (${cluster.brokers.length} broker${cluster.brokers.length === 1 ? '' : 's'}; the local install is 3.9.1)`,
    mongo: `MongoDB-wire server reporting ${String((build as { version?: unknown }).version)}`,
    redis: /redis_version:(\S+)/.exec(redisInfo)?.[1]
      ? `Redis ${/redis_version:(\S+)/.exec(redisInfo)?.[1]}`
      : 'unknown',
  };
};

/** The processes whose CPU a projection costs: this one, and the servers on their local ports. */
const serverPids = (): Map<string, number | undefined> => {
  const infra = infraAddresses();
  const portOf = (address: string | undefined, fallback: number) => {
    const match = /:(\d+)(\/|$)/.exec(address ?? '');
    return match ? Number(match[1]) : fallback;
  };
  return new Map([
    ['projector', process.pid],
    ['mongo-wire', pidListeningOn(portOf(infra.mongoUrl.replace(/^mongodb:\/\//, ''), 27017))],
    ['kafka', pidListeningOn(portOf(infra.kafkaBrokers[0], 9092))],
    ['redis', pidListeningOn(portOf(infra.redisUrl.replace(/^redis:\/\//, ''), 6379))],
  ]);
};

const cpuOf = (pids: ReadonlyMap<string, number | undefined>): Record<string, number | undefined> =>
  Object.fromEntries([...pids].map(([name, pid]) => [name, cpuSecondsOf(pid)]));

/**
 * Pre-fills a fresh topic with a generated log, then runs ONE projector on it from
 * offset 0 and measures events applied per second until its committed offsets reach the
 * end of the topic (commits follow the database acknowledgement, so this is the rate at
 * which the read models really advance).
 */
export const runProjectBench = async (
  options: ProjectBenchOptions,
): Promise<ProjectBenchReport> => {
  const say = options.log ?? (() => undefined);
  const startedAt = new Date();
  const runId = `bench-project-${startedAt.getTime().toString(36)}`;
  const topics = topicNames(`${runId}.`);
  const kafka = createKafka(runId);
  const mongo = await createMongoClient().connect();
  const db = mongo.db(runId.replace(/-/g, '_'));
  const redis = options.cache ? createRedis() : undefined;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${runId}.projector`;
  try {
    const wiring: ProjectorWiring = {
      kafka,
      db,
      ...(redis ? { redis } : {}),
      target: projectionTarget('', groupId),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      cache: { keyPrefix: cacheKeyPrefix(db.databaseName), ttlMs: 300_000 },
      stateCacheSize: options.stateCacheSize,
      settings: { ...options.settings, lagRefreshMs: 0 },
    };
    await prepareProjection(wiring, options.partitions);
    await awaitTopicServing(admin, topics.events);

    say(`generating ~${options.events} events over ${options.players} players`);
    const log = logOf(options);
    say(`producing ${log.length} events onto ${topics.events} (${options.partitions} partitions)`);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const prefillStart = performance.now();
    await produceEvents(producer, topics.events, log, 5000);
    const prefillSeconds = (performance.now() - prefillStart) / 1000;
    await producer.disconnect();

    say('projecting with one projector from offset 0');
    const projector = createProjector(wiring);
    const pids = serverPids();
    const cpuBefore = cpuOf(pids);
    const start = performance.now();
    await projector.start();
    await untilCaughtUp({
      committed: () => committedTotal(admin, groupId, topics.events),
      total: log.length,
      start,
      stallSeconds: options.stallSeconds ?? DEFAULT_STALL_SECONDS,
      failure: () => projector.lastError(),
      say,
    }).catch(async (error: unknown) => {
      await projector.stop().catch(() => undefined);
      throw error;
    });
    const projectSeconds = (performance.now() - start) / 1000;
    const cpuAfter = cpuOf(pids);
    await projector.stop();
    const cpuMicrosPerEvent = Object.fromEntries(
      Object.entries(cpuAfter).flatMap(([name, after]) => {
        const before = cpuBefore[name];
        return after === undefined || before === undefined
          ? []
          : [[name, Math.round(((after - before) / log.length) * 1e6)]];
      }),
    );

    let verified: boolean | 'skipped' = 'skipped';
    if (options.verify) {
      say('verifying every document against a plain fold of the log');
      verified =
        JSON.stringify(await readModelSnapshot(db, wiring.target.collections)) ===
        JSON.stringify(expectedReadModels(log));
    }
    const players = new Set(log.map((event) => event.metadata.aggregateId)).size;
    const { log: _log, ...settings } = options;
    return {
      benchmark: 'project',
      startedAt: startedAt.toISOString(),
      machine: machineInfo(),
      backends: await backendVersions(kafka, db, redis ? await redis.info('server') : ''),
      settings: {
        ...settings,
        projector: { ...DEFAULT_PROJECTOR_SETTINGS, ...wiring.settings },
        topic: topics.events,
        database: db.databaseName,
      },
      result: {
        events: log.length,
        players,
        prefillSeconds: Math.round(prefillSeconds * 100) / 100,
        projectSeconds: Math.round(projectSeconds * 100) / 100,
        eventsPerSecond: Math.round(log.length / projectSeconds),
        verified,
        cpuMicrosPerEvent,
      },
    };
  } finally {
    if (!options.keep) {
      await db.dropDatabase().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin
        .deleteTopics({ topics: [topics.events, topics.eventsDeadLetter] })
        .catch(() => undefined);
      if (redis) {
        const keys = await redis
          .keys(`${cacheKeyPrefix(db.databaseName)}*`)
          .catch(() => [] as string[]);
        for (let i = 0; i < keys.length; i += 1000)
          await redis.del(...keys.slice(i, i + 1000)).catch(() => undefined);
      }
    }
    await admin.disconnect();
    redis?.disconnect();
    await mongo.close();
  }
};

/** The report as text: the figure, then the settings, machine and backends it was measured with. */
export const formatProjectBench = (report: ProjectBenchReport): string => {
  const { result, settings, machine, backends } = report;
  const p = settings.projector;
  return [
    formatTable(
      ['benchmark', 'events', 'players', 'partitions', 'seconds', 'events/s', 'verified'],
      [
        [
          'project (1 projector)',
          String(result.events),
          String(result.players),
          String(settings.partitions),
          result.projectSeconds.toFixed(2),
          String(result.eventsPerSecond),
          String(result.verified),
        ],
      ],
    ),
    '',
    `projector: concurrency ${p.partitionsConsumedConcurrently}, chunk ${p.chunkSize} events, maxBytesPerPartition ${p.maxBytesPerPartition}, cache ${settings.cache ? 'redis write-through' : 'off'}, state cache ${settings.stateCacheSize}`,
    ...(result.cpuMicrosPerEvent
      ? [
          `CPU µs per event while projecting: ${Object.entries(result.cpuMicrosPerEvent)
            .map(([name, micros]) => `${name} ${micros}`)
            .join(', ')}`,
        ]
      : []),
    `prefill: ${result.prefillSeconds.toFixed(1)} s (not counted)`,
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
    `backends: ${backends.kafka}; ${backends.mongo}; ${backends.redis} (all on this machine)`,
  ].join('\n');
};
