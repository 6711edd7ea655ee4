import {
  AUDIT_MODES,
  DEFAULT_RECENT_COMMANDS,
  DEFAULT_RETRY_POLICY,
  DEFAULT_SEEN_LIMIT,
  DEFAULT_STATE_CACHE,
  type AuditMode,
  type RetryPolicy,
} from '@qf/player-crud';
import { DEFAULT_IDEMPOTENCY_HORIZON_MS, DEFAULT_PARTITIONS } from '@qf/contracts';
import { intFromEnv, InvalidEnvironmentError } from '@qf/shared-config';

/** Everything crud-service reads from its command line and environment. */
export interface CrudServiceConfig {
  readonly httpPort: number;
  readonly grpcPort: number;
  readonly auditMode: AuditMode;
  readonly retry: RetryPolicy;
  /** Accepted commands each document keeps with their outcome. */
  readonly recentLimit: number;
  /** How long an accepted command id is deduplicated. */
  readonly idempotencyHorizonMs: number;
  /** Ids remembered per player within the horizon at most (16 bytes each). */
  readonly idempotencyMaxPerPlayer: number;
  /** Player documents kept after writing them, to decide the next command without a read (0: off). */
  readonly stateCache: number;
  /** Partitions of the audit topic when dual-write mode creates it. */
  readonly partitions: number;
}

const parseMode = (value: string, source: string): AuditMode => {
  if ((AUDIT_MODES as readonly string[]).includes(value)) return value as AuditMode;
  throw new InvalidEnvironmentError(source, value, AUDIT_MODES.join(' or '));
};

/** `--audit=outbox|dual-write` or `--audit dual-write`, else QF_AUDIT_MODE, else outbox. */
export const auditModeFrom = (argv: readonly string[], env: NodeJS.ProcessEnv): AuditMode => {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg.startsWith('--audit=')) return parseMode(arg.slice('--audit='.length), '--audit');
    if (arg === '--audit') return parseMode(argv[i + 1] ?? '', '--audit');
  }
  return env['QF_AUDIT_MODE'] ? parseMode(env['QF_AUDIT_MODE'], 'QF_AUDIT_MODE') : 'outbox';
};

export const crudServiceConfig = (
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): CrudServiceConfig => ({
  httpPort: intFromEnv('QF_HTTP_PORT', 3100, { max: 65535 }, env),
  grpcPort: intFromEnv('QF_GRPC_PORT', 50061, { max: 65535 }, env),
  auditMode: auditModeFrom(argv, env),
  retry: {
    maxAttempts: intFromEnv(
      'QF_OCC_MAX_ATTEMPTS',
      DEFAULT_RETRY_POLICY.maxAttempts,
      { min: 1, max: 1000 },
      env,
    ),
    baseDelayMs: intFromEnv(
      'QF_OCC_BACKOFF_BASE_MS',
      DEFAULT_RETRY_POLICY.baseDelayMs,
      { min: 0, max: 10_000 },
      env,
    ),
    maxDelayMs: intFromEnv(
      'QF_OCC_BACKOFF_MAX_MS',
      DEFAULT_RETRY_POLICY.maxDelayMs,
      { min: 0, max: 60_000 },
      env,
    ),
  },
  recentLimit: intFromEnv(
    'QF_RECENT_COMMANDS',
    DEFAULT_RECENT_COMMANDS,
    { min: 1, max: 1000 },
    env,
  ),
  idempotencyHorizonMs: intFromEnv(
    'QF_IDEMPOTENCY_HORIZON_MS',
    DEFAULT_IDEMPOTENCY_HORIZON_MS,
    { min: 1000, max: 7 * 24 * 3_600_000 },
    env,
  ),
  idempotencyMaxPerPlayer: intFromEnv(
    'QF_IDEMPOTENCY_MAX_PER_PLAYER',
    DEFAULT_SEEN_LIMIT,
    { min: 0, max: 1_000_000 },
    env,
  ),
  stateCache: intFromEnv(
    'QF_CRUD_STATE_CACHE',
    DEFAULT_STATE_CACHE,
    { min: 0, max: 10_000_000 },
    env,
  ),
  partitions: intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
});
