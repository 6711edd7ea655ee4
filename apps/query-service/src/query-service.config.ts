import type { MinVersionWait } from '@qf/player-read-model/queries';
import type { QueryLimits } from './queries';
import { boolFromEnv, intFromEnv } from '@qf/shared-config';

/** Everything the query service reads from its environment. */
export interface QueryServiceConfig {
  readonly httpPort: number;
  readonly grpcPort: number;
  /** Read through the Redis player cache (QF_QUERY_CACHE=0: Mongo only). */
  readonly cacheEnabled: boolean;
  readonly cacheTtlMs: number;
  /** How long minVersion may wait (QF_MIN_VERSION_WAIT_MS) and how often it looks again. */
  readonly minVersionWait: MinVersionWait;
  readonly limits: QueryLimits;
  /** How soon a switched view alias (a rebuilt generation) reaches this replica. */
  readonly aliasRefreshMs: number;
}

export const queryServiceConfig = (env: NodeJS.ProcessEnv = process.env): QueryServiceConfig => ({
  httpPort: intFromEnv('QF_HTTP_PORT', 3001, { max: 65535 }, env),
  grpcPort: intFromEnv('QF_GRPC_PORT', 50052, { max: 65535 }, env),
  cacheEnabled: boolFromEnv('QF_QUERY_CACHE', true, env),
  cacheTtlMs: intFromEnv('QF_CACHE_TTL_SECONDS', 300, { min: 1, max: 86_400 * 30 }, env) * 1000,
  minVersionWait: {
    maxWaitMs: intFromEnv('QF_MIN_VERSION_WAIT_MS', 2000, { max: 60_000 }, env),
    pollMs: intFromEnv('QF_MIN_VERSION_POLL_MS', 25, { min: 1, max: 10_000 }, env),
  },
  limits: { roomPlayers: intFromEnv('QF_ROOM_PLAYERS_LIMIT', 1000, { min: 1, max: 100_000 }, env) },
  aliasRefreshMs: intFromEnv('QF_VIEW_ALIAS_REFRESH_MS', 5000, { max: 3_600_000 }, env),
});
