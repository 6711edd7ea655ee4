import { DEFAULT_PARTITIONS } from '@qf/contracts';
import {
  DEFAULT_PROJECTOR_GROUP,
  DEFAULT_PROJECTOR_SETTINGS,
  projectionTarget,
  type ProjectionTarget,
  type ProjectorSettings,
} from '@qf/player-read-model';
import { boolFromEnv, intFromEnv, stringFromEnv } from '@qf/shared-config';

/** Everything the projector reads from its environment. */
export interface ProjectorConfig {
  readonly httpPort: number;
  /** Collections and consumer group: QF_VIEW_SUFFIX picks a generation (`player_details_v2` …). */
  readonly target: ProjectionTarget;
  /** Partitions of the topics the projector creates when they are missing. */
  readonly partitions: number;
  /** Write-through to the Redis player-view cache (QF_PROJECTOR_CACHE=0 turns it off). */
  readonly cacheEnabled: boolean;
  readonly cacheTtlMs: number;
  readonly stateCacheSize: number;
  readonly settings: ProjectorSettings;
  /** How often each replica follows `qf projections pause|resume` and reports its state. */
  readonly controlRefreshMs: number;
}

export const projectorConfig = (env: NodeJS.ProcessEnv = process.env): ProjectorConfig => {
  const suffix = stringFromEnv('QF_VIEW_SUFFIX', '', env);
  const prefix = env['QF_TOPIC_PREFIX'] ?? '';
  const d = DEFAULT_PROJECTOR_SETTINGS;
  const groupId = stringFromEnv(
    'QF_PROJECTOR_GROUP',
    `${prefix}${DEFAULT_PROJECTOR_GROUP}${suffix ? `-${suffix}` : ''}`,
    env,
  );
  return {
    httpPort: intFromEnv('QF_HTTP_PORT', 3020, { max: 65535 }, env),
    target: projectionTarget(suffix, groupId),
    partitions: intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
    cacheEnabled: boolFromEnv('QF_PROJECTOR_CACHE', true, env),
    cacheTtlMs: intFromEnv('QF_CACHE_TTL_SECONDS', 300, { min: 1, max: 86_400 * 30 }, env) * 1000,
    controlRefreshMs: intFromEnv(
      'QF_PROJECTION_CONTROL_REFRESH_MS',
      2000,
      { min: 50, max: 600_000 },
      env,
    ),
    stateCacheSize: intFromEnv('QF_PROJECTOR_STATE_CACHE', 200_000, { max: 10_000_000 }, env),
    settings: {
      partitionsConsumedConcurrently: intFromEnv(
        'QF_PROJECTOR_CONCURRENCY',
        d.partitionsConsumedConcurrently,
        { min: 1, max: 1000 },
        env,
      ),
      chunkSize: intFromEnv('QF_PROJECTOR_CHUNK', d.chunkSize, { min: 1, max: 1_000_000 }, env),
      concurrentRounds: intFromEnv(
        'QF_PROJECTOR_ROUNDS',
        d.concurrentRounds,
        { min: 1, max: 64 },
        env,
      ),
      maxBytesPerPartition: intFromEnv(
        'QF_PROJECTOR_MAX_BYTES_PER_PARTITION',
        d.maxBytesPerPartition,
        { min: 1024 },
        env,
      ),
      maxBytes: intFromEnv('QF_PROJECTOR_MAX_BYTES', d.maxBytes, { min: 1024 }, env),
      sessionTimeoutMs: intFromEnv(
        'QF_PROJECTOR_SESSION_TIMEOUT_MS',
        d.sessionTimeoutMs,
        { min: 6000, max: 300_000 },
        env,
      ),
      heartbeatIntervalMs: intFromEnv(
        'QF_PROJECTOR_HEARTBEAT_MS',
        d.heartbeatIntervalMs,
        { min: 100, max: 60_000 },
        env,
      ),
      rebalanceTimeoutMs: intFromEnv(
        'QF_PROJECTOR_REBALANCE_TIMEOUT_MS',
        d.rebalanceTimeoutMs,
        { min: 1000, max: 600_000 },
        env,
      ),
      backoff: {
        initialMs: intFromEnv(
          'QF_PROJECTOR_BACKOFF_MS',
          d.backoff.initialMs,
          { min: 1, max: 60_000 },
          env,
        ),
        maxMs: intFromEnv(
          'QF_PROJECTOR_BACKOFF_MAX_MS',
          d.backoff.maxMs,
          { min: 1, max: 600_000 },
          env,
        ),
      },
      stuckAfterMs: intFromEnv(
        'QF_STUCK_PARTITION_MS',
        d.stuckAfterMs,
        { min: 100, max: 3_600_000 },
        env,
      ),
      lagRefreshMs: intFromEnv('QF_LAG_REFRESH_MS', d.lagRefreshMs, { max: 3_600_000 }, env),
      fromBeginning: true,
    },
  };
};
