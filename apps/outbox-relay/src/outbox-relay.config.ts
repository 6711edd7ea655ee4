import { DEFAULT_PARTITIONS } from '@qf/contracts';
import { DEFAULT_RELAY_LEASE_MS, DEFAULT_RELAY_LINGER_MS } from '@qf/player-crud';
import { intFromEnv, stringFromEnv } from '@qf/shared-config';

/** Everything outbox-relay reads from its environment. */
export interface OutboxRelayConfig {
  readonly httpPort: number;
  readonly owner?: string;
  readonly batchSize: number;
  readonly leaseMs: number;
  readonly idleMinMs: number;
  readonly idleMaxMs: number;
  readonly lingerMs: number;
  readonly sweepIntervalMs: number;
  readonly partitions: number;
}

export const outboxRelayConfig = (env: NodeJS.ProcessEnv = process.env): OutboxRelayConfig => {
  const owner = stringFromEnv('QF_RELAY_ID', '', env);
  return {
    httpPort: intFromEnv('QF_HTTP_PORT', 3110, { max: 65535 }, env),
    ...(owner ? { owner } : {}),
    batchSize: intFromEnv('QF_RELAY_BATCH', 200, { min: 1, max: 10_000 }, env),
    leaseMs: intFromEnv(
      'QF_RELAY_LEASE_MS',
      DEFAULT_RELAY_LEASE_MS,
      { min: 300, max: 3_600_000 },
      env,
    ),
    idleMinMs: intFromEnv('QF_RELAY_IDLE_MIN_MS', 5, { min: 1, max: 60_000 }, env),
    idleMaxMs: intFromEnv('QF_RELAY_IDLE_MAX_MS', 50, { min: 1, max: 60_000 }, env),
    lingerMs: intFromEnv(
      'QF_RELAY_LINGER_MS',
      DEFAULT_RELAY_LINGER_MS,
      { min: 0, max: 60_000 },
      env,
    ),
    sweepIntervalMs: intFromEnv('QF_RELAY_SWEEP_MS', 5000, { min: 100, max: 3_600_000 }, env),
    partitions: intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
  };
};
