import Redis, { type RedisOptions } from 'ioredis';
import { infraAddresses } from '@qf/shared-config';

/** An ioredis client for REDIS_URL (else the local infra); fails fast instead of queueing forever. */
export const createRedis = (options: RedisOptions = {}): Redis =>
  new Redis(infraAddresses().redisUrl, {
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    ...options,
  });
