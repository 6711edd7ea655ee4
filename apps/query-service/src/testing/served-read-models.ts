import type Redis from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import type { Db } from 'mongodb';
import type { TopicNames } from '@qf/contracts';
import {
  cacheKeyPrefix,
  createProjector,
  prepareProjection,
  projectionTarget,
  ViewAliases,
  type Projector,
  type ProjectorWiring,
} from '@qf/player-read-model';
import { useProjectionInfra, type IsolatedWorld } from '@qf/player-read-model/testing';
import { createRedis } from '@qf/shared-redis';
import { queryServiceConfig } from '../query-service.config';
import { startQueryService, type RunningQueryService } from '../query-service';

export interface ServedReadModelsOptions {
  readonly partitions: number;
  /** Write-through Redis views (the projector writes them, the service reads them). */
  readonly redis?: boolean;
  /** Follow the view aliases (blue/green replays), refreshed every 200 ms. */
  readonly aliases?: boolean;
  /** Added to the query service's configuration (its HTTP and gRPC ports are free ones). */
  readonly serviceEnv?: Readonly<Record<string, string>>;
}

/** The query service in process over a live projector in process, on a world of their own. */
export interface ServedReadModels {
  readonly kafka: Kafka;
  /** Produces onto the world's topics (produceEvents). */
  readonly producer: Producer;
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly db: Db;
  readonly redis: Redis;
  readonly projector: Projector;
  readonly service: RunningQueryService;
}

/**
 * Starts, in the enclosing describe's beforeAll, a projector on a new world (topic prefix
 * and database from name) and the query service reading it, as the fleet wires them (the
 * service takes its prefix and database from the environment); stops both before the
 * world is dropped. Events are then produced onto `topics.events` directly.
 */
export const useServedReadModels = (
  name: string,
  options: ServedReadModelsOptions,
): ServedReadModels => {
  const infra = useProjectionInfra(name);
  let served:
    | (IsolatedWorld & { redis?: Redis; projector: Projector; service: RunningQueryService })
    | undefined;
  const previousEnv = { prefix: process.env['QF_TOPIC_PREFIX'], db: process.env['QF_MONGO_DB'] };

  beforeAll(async () => {
    const world = infra.world(name);
    process.env['QF_TOPIC_PREFIX'] = world.prefix;
    process.env['QF_MONGO_DB'] = world.db.databaseName;
    const redis = options.redis ? createRedis() : undefined;
    const target = projectionTarget('', `${world.prefix}projector`);
    const wiring: ProjectorWiring = {
      kafka: infra.kafka,
      db: world.db,
      target,
      topics: { events: world.topics.events, deadLetter: world.topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0 },
      ...(redis
        ? { redis, cache: { keyPrefix: cacheKeyPrefix(world.db.databaseName), ttlMs: 60_000 } }
        : {}),
      ...(options.aliases ? { aliases: new ViewAliases(world.db, 200, target.collections) } : {}),
    };
    await prepareProjection(wiring, options.partitions);
    const projector = createProjector(wiring);
    // Teardown runs these in reverse: the service closes, then the projector stops, then Redis.
    infra.beforeTeardown(async () => {
      redis?.disconnect();
      restore('QF_TOPIC_PREFIX', previousEnv.prefix);
      restore('QF_MONGO_DB', previousEnv.db);
    });
    infra.beforeTeardown(() => projector.stop());
    await projector.start();
    const service = await startQueryService(
      queryServiceConfig({
        ...process.env,
        QF_HTTP_PORT: '0',
        QF_GRPC_PORT: '0',
        ...options.serviceEnv,
      }),
    );
    infra.beforeTeardown(() => service.close());
    served = { ...world, ...(redis ? { redis } : {}), projector, service };
  });

  const get = () => {
    if (!served) throw new Error('useServedReadModels: started in beforeAll');
    return served;
  };
  return {
    get kafka() {
      return infra.kafka;
    },
    get producer() {
      return infra.producer;
    },
    get prefix() {
      return get().prefix;
    },
    get topics() {
      return get().topics;
    },
    get db() {
      return get().db;
    },
    get redis() {
      const { redis } = get();
      if (!redis) throw new Error('useServedReadModels: started without redis');
      return redis;
    },
    get projector() {
      return get().projector;
    },
    get service() {
      return get().service;
    },
  };
};

const restore = (name: string, value: string | undefined) => {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};
