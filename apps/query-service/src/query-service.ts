import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { GrpcLifecycle } from '@qf/player-api';
import {
  cacheKeyPrefix,
  PlayerViewCache,
  PlayerViewReader,
  ReadModelRepository,
  ViewAliases,
} from '@qf/player-read-model/queries';
import {
  connectInBackground,
  createMongoClient,
  databaseName,
  queryTimeoutMs,
  servingClientOptions,
} from '@qf/shared-mongo';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { createRedis } from '@qf/shared-redis';
import type { QueryServiceConfig } from './query-service.config';
import { QueryServiceModule } from './query-service.module';

export interface RunningQueryService {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly grpcPort: number;
  close(): Promise<void>;
}

const log = createLogger('query-service');

/** Builds the reader over Mongo (+ Redis) and serves REST + gRPC; Mongo and Redis may come up later. */
export const startQueryService = async (
  config: QueryServiceConfig,
): Promise<RunningQueryService> => {
  const client = createMongoClient(servingClientOptions());
  const db = client.db(databaseName());
  // Fail fast while Redis is away (no offline queue, short timeout): reads fall back to Mongo.
  const redis = config.cacheEnabled
    ? createRedis({ enableOfflineQueue: false, commandTimeout: 250, maxRetriesPerRequest: 0 })
    : undefined;
  redis?.on('error', (error: Error) => log.debug('redis error', { error: error.message }));
  const cache = redis
    ? new PlayerViewCache(redis, {
        keyPrefix: cacheKeyPrefix(db.databaseName),
        ttlMs: config.cacheTtlMs,
      })
    : undefined;
  const repository = new ReadModelRepository(db, new ViewAliases(db, config.aliasRefreshMs), {
    maxTimeMS: queryTimeoutMs(),
  });
  const reader = new PlayerViewReader(repository, cache, config.minVersionWait);
  // Mongo may come up after the service: connect explicitly (an implicit first connect that
  // fails leaves the client closed for good), and answer 503 until then.
  let closing = false;
  void connectInBackground(client, {
    stopped: () => closing,
    onRetry: (attempt, error) =>
      log.warn('Mongo does not answer yet; retrying', { attempt, error: error.message }),
  });
  const app = await createHttpApp(
    QueryServiceModule.forRoot({
      repository,
      reader,
      limits: config.limits,
      grpcPort: config.grpcPort,
      pingMongo: async () => {
        await client.connect();
        await db.command({ ping: 1 });
      },
      cacheStatus: () => (redis ? redis.status : 'disabled'),
      close: async () => {
        closing = true;
        redis?.disconnect();
        await client.close();
      },
    }),
    { service: 'query-service', port: config.httpPort, openapi: 'query-service' },
  );
  const grpcPort = app.get(GrpcLifecycle).boundPort ?? config.grpcPort;
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  log.info('query-service ready', {
    url,
    grpcPort,
    database: db.databaseName,
    cache: redis ? 'redis' : 'off',
  });
  return { app, url, grpcPort, close: () => app.close() };
};
