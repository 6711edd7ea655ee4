import 'reflect-metadata';
import { hostname } from 'node:os';
import { topicNames } from '@qf/contracts';
import { exportDeadLetterDepth } from '@qf/dead-letters';
import { ProjectionControlLoop, projectionStatus } from '@qf/projections';
import {
  cacheKeyPrefix,
  createProjector,
  prepareProjection,
  ViewAliases,
  type ProjectorWiring,
} from '@qf/player-read-model';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient, databaseName } from '@qf/shared-mongo';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { createRedis } from '@qf/shared-redis';
import { projectorConfig } from './projector.config';
import { ProjectorModule } from './projector.module';

// projector: the consumer group on player.events that keeps the Mongo read models
// (player_details, room_occupancy, leaderboard, player_events) and the Redis player
// cache. Scale by replicas, up to the partition count. /health and /metrics on :3020.
process.env['QF_SERVICE'] ??= 'projector';
const log = createLogger('projector');

const main = async () => {
  const config = projectorConfig();
  const topics = topicNames();
  const client = createMongoClient();
  const db = client.db(databaseName());
  // No offline queue: while Redis is away, cache writes fail at once and the projection goes on.
  const redis = config.cacheEnabled ? createRedis({ enableOfflineQueue: false }) : undefined;
  redis?.on('error', (error: Error) => log.debug('redis error', { error: error.message }));
  const wiring: ProjectorWiring = {
    kafka: createKafka(`projector-${process.pid}`),
    db,
    ...(redis ? { redis } : {}),
    target: config.target,
    // Writes wherever the view aliases point, so a `qf replay` switch is followed (within 5 s).
    aliases: new ViewAliases(db, 5000, config.target.collections),
    topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
    cache: { keyPrefix: cacheKeyPrefix(db.databaseName), ttlMs: config.cacheTtlMs },
    stateCacheSize: config.stateCacheSize,
    settings: config.settings,
  };
  const projector = createProjector(wiring);
  const stopDepth = exportDeadLetterDepth(wiring.kafka, [topics.eventsDeadLetter]);
  const control = new ProjectionControlLoop(
    db,
    config.target.groupId,
    `${hostname()}-${process.pid}`,
    projector,
    config.controlRefreshMs,
  );
  // GET /projections: one admin client, connected on first use.
  const statusAdmin = wiring.kafka.admin();
  let adminConnected: Promise<void> | undefined;
  const status = async () => {
    adminConnected ??= statusAdmin.connect().catch((error: unknown) => {
      adminConnected = undefined;
      throw error;
    });
    await adminConnected;
    return projectionStatus(db, statusAdmin, process.env['QF_TOPIC_PREFIX'] ?? '');
  };
  await createHttpApp(
    ProjectorModule.forRoot({
      projector,
      // An explicit connect: a client whose implicit first connect failed stays closed for good.
      prepare: async () => {
        await client.connect();
        await prepareProjection(wiring, config.partitions);
      },
      ping: async () => {
        await client.connect();
        await db.command({ ping: 1 });
      },
      control,
      status,
      close: async () => {
        await statusAdmin.disconnect().catch(() => undefined);
        await stopDepth();
        redis?.disconnect();
        await client.close();
      },
    }),
    { service: 'projector', port: config.httpPort },
  );
  log.info('projector ready', {
    port: config.httpPort,
    groupId: config.target.groupId,
    topic: topics.events,
    database: db.databaseName,
    collections: config.target.collections,
  });
};

main().catch((error: unknown) => {
  log.error('projector failed to start', { error });
  process.exit(1);
});
