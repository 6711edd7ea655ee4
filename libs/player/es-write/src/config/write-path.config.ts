import {
  DEFAULT_IDEMPOTENCY_HORIZON_MS,
  DEFAULT_PARTITIONS,
  topicNames,
  type TopicNames,
} from '@qf/contracts';
import { boolFromEnv, intFromEnv, stringFromEnv } from '@qf/shared-config';

/** What every write-path service agrees on: topic names and their one partition count. */
export interface WritePathConfig {
  readonly topicPrefix: string;
  readonly topics: TopicNames;
  /** Partition count of every write-path topic (QF_PARTITIONS, default 12). */
  readonly partitions: number;
}

export const writePathConfig = (env: NodeJS.ProcessEnv = process.env): WritePathConfig => {
  const topicPrefix = env['QF_TOPIC_PREFIX'] ?? '';
  return {
    topicPrefix,
    topics: topicNames(topicPrefix),
    partitions: intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
  };
};

/** The command gateway's settings (see apps/command-gateway/README.md for the env vars). */
export interface GatewayConfig extends WritePathConfig {
  /** Names this gateway on reply records; unique per running instance. */
  readonly gatewayId: string;
  /** QF_GATEWAY_INSTANCE: a replica index that picks the reply partition (index mod partitions). */
  readonly instance?: number;
  /** How long a waiting request may wait for its decision before 504 (QF_DECISION_TIMEOUT_MS). */
  readonly decisionTimeoutMs: number;
  /** Send window: concurrent commands are produced together after at most this long (0 = same tick; QF_GATEWAY_LINGER_MS). */
  readonly lingerMs: number;
  /** The window is the arrival rate (commands/s) divided by this, in ms, up to lingerMs; 0 = always lingerMs (QF_GATEWAY_LINGER_RATE_PER_MS). */
  readonly lingerRatePerMs: number;
  /** A window is sent at once when it holds this many commands. */
  readonly maxBatch: number;
  /** Produce requests in flight at most; a window closing meanwhile waits and grows (QF_GATEWAY_MAX_IN_FLIGHT). */
  readonly maxInFlight: number;
  /** A produce that has not been acknowledged by then answers 503 (QF_GATEWAY_SEND_TIMEOUT_MS). */
  readonly sendTimeoutMs: number;
  /** Requests waiting for a decision at most; more are shed with 503 + Retry-After (QF_GATEWAY_MAX_PENDING). */
  readonly maxPending: number;
  /** Commands waiting to be produced at most; more are shed with 503 + Retry-After (QF_GATEWAY_MAX_UNSENT). */
  readonly maxUnsent: number;
  /** The broker holds a reply fetch until this many bytes are there … (QF_GATEWAY_REPLY_MIN_BYTES) */
  readonly replyMinBytes: number;
  /** … or this long (QF_GATEWAY_REPLY_MAX_WAIT_MS). */
  readonly replyMaxWaitMs: number;
}

export const gatewayConfig = (
  gatewayId: string,
  env: NodeJS.ProcessEnv = process.env,
): GatewayConfig => {
  const instance = env['QF_GATEWAY_INSTANCE'];
  return {
    ...writePathConfig(env),
    gatewayId: stringFromEnv('QF_GATEWAY_ID', gatewayId, env),
    ...(instance !== undefined && instance !== ''
      ? { instance: intFromEnv('QF_GATEWAY_INSTANCE', 0, { min: 0 }, env) }
      : {}),
    decisionTimeoutMs: intFromEnv('QF_DECISION_TIMEOUT_MS', 5000, { min: 1 }, env),
    lingerMs: intFromEnv(
      'QF_GATEWAY_LINGER_MS',
      DEFAULT_GATEWAY_LINGER_MS,
      { min: 0, max: 1000 },
      env,
    ),
    lingerRatePerMs: intFromEnv(
      'QF_GATEWAY_LINGER_RATE_PER_MS',
      DEFAULT_GATEWAY_LINGER_RATE_PER_MS,
      { min: 0, max: 1_000_000 },
      env,
    ),
    maxBatch: intFromEnv('QF_GATEWAY_MAX_BATCH', 500, { min: 1, max: 100_000 }, env),
    maxInFlight: intFromEnv('QF_GATEWAY_MAX_IN_FLIGHT', 1, { min: 1, max: 1000 }, env),
    sendTimeoutMs: intFromEnv('QF_GATEWAY_SEND_TIMEOUT_MS', 2000, { min: 1 }, env),
    maxPending: intFromEnv('QF_GATEWAY_MAX_PENDING', 5000, { min: 1, max: 1_000_000 }, env),
    maxUnsent: intFromEnv('QF_GATEWAY_MAX_UNSENT', 2000, { min: 1, max: 1_000_000 }, env),
    replyMinBytes: intFromEnv('QF_GATEWAY_REPLY_MIN_BYTES', 1, { min: 1, max: 10_000_000 }, env),
    replyMaxWaitMs: intFromEnv('QF_GATEWAY_REPLY_MAX_WAIT_MS', 100, { min: 1, max: 10_000 }, env),
  };
};

/** The command processor's settings (apps/command-processor/README.md lists the env vars). */
export interface ProcessorConfig extends WritePathConfig {
  /** The consumer group on player.commands (QF_PROCESSOR_GROUP). */
  readonly groupId: string;
  /** Names this replica in logs and client ids. */
  readonly instanceId: string;
  /**
   * Slots: fixed groups of partitions that move between processors together
   * (QF_PROCESSOR_SLOTS, 1..8). At most this many processors share the work; every
   * processor of a group must have the same value. A processor taking slots over fences
   * up to 2^slots transactional ids.
   */
  readonly slots: number;
  /** A command id is deduplicated per player for this long after its decision (QF_IDEMPOTENCY_HORIZON_MS). */
  readonly idempotencyHorizonMs: number;
  /** Command ids a processor holds at most, over all slots (QF_IDEMPOTENCY_MAX_ENTRIES); past it the oldest go early. */
  readonly idempotencyMaxEntries: number;
  /** At most this many commands per transaction; a larger backlog is split (QF_PROCESSOR_TXN_MAX_COMMANDS). */
  readonly maxCommandsPerTransaction: number;
  /** Group commit: the longest interval between two transaction starts, reached at high load (QF_PROCESSOR_TXN_INTERVAL_MS). */
  readonly maxTransactionIntervalMs: number;
  /** Group commit: the interval is the arrival rate (commands/s) divided by this, in ms, up to the longest (QF_PROCESSOR_TXN_RATE_PER_MS). */
  readonly transactionRatePerMs: number;
  /** Group commit: past the rate where an interval holds this many commands it shrinks to this many / rate; 0 off (QF_PROCESSOR_TXN_TARGET_COMMANDS). */
  readonly transactionTargetCommands: number;
  /** A player's snapshot is written once its first unsnapshotted event is this old (QF_PROCESSOR_CHECKPOINT_INTERVAL_MS). */
  readonly checkpointIntervalMs: number;
  /** After a transaction wrote every due snapshot, the next due wait this long and go together (QF_PROCESSOR_CHECKPOINT_BATCH_MS). */
  readonly checkpointBatchMs: number;
  /** Snapshots one transaction writes at most (a burst of due players is spread). */
  readonly maxSnapshotsPerTransaction: number;
  /** A dead member is noticed after this long (QF_SESSION_TIMEOUT_MS; broker minimum here 6 s). */
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** The broker aborts a transaction left open this long (a crashed owner's), QF_TRANSACTION_TIMEOUT_MS. */
  readonly transactionTimeoutMs: number;
  /** The consumed offsets are committed at most this often (QF_PROCESSOR_OFFSETS_INTERVAL_MS); see SlotOwnerContext. */
  readonly offsetsIntervalMs: number;
  /** A transaction's partitions are added while its commands queue, not in its first send (QF_PROCESSOR_EARLY_PARTITIONS). */
  readonly earlyPartitionAdds: boolean;
}

export const processorConfig = (
  instanceId: string,
  env: NodeJS.ProcessEnv = process.env,
): ProcessorConfig => {
  const base = writePathConfig(env);
  return {
    ...base,
    groupId: stringFromEnv('QF_PROCESSOR_GROUP', `${base.topicPrefix}command-processor`, env),
    instanceId,
    slots: intFromEnv('QF_PROCESSOR_SLOTS', DEFAULT_SLOTS, { min: 1, max: 8 }, env),
    idempotencyHorizonMs: idempotencyHorizonMs(env),
    idempotencyMaxEntries: intFromEnv(
      'QF_IDEMPOTENCY_MAX_ENTRIES',
      1_000_000,
      { min: 1000, max: 100_000_000 },
      env,
    ),
    maxCommandsPerTransaction: intFromEnv(
      'QF_PROCESSOR_TXN_MAX_COMMANDS',
      500,
      { min: 1, max: 10_000 },
      env,
    ),
    maxTransactionIntervalMs: intFromEnv(
      'QF_PROCESSOR_TXN_INTERVAL_MS',
      DEFAULT_TXN_INTERVAL_MS,
      { min: 0, max: 10_000 },
      env,
    ),
    transactionRatePerMs: intFromEnv(
      'QF_PROCESSOR_TXN_RATE_PER_MS',
      DEFAULT_TXN_RATE_PER_MS,
      { min: 1, max: 1_000_000 },
      env,
    ),
    transactionTargetCommands: intFromEnv(
      'QF_PROCESSOR_TXN_TARGET_COMMANDS',
      DEFAULT_TXN_TARGET_COMMANDS,
      { min: 0, max: 10_000 },
      env,
    ),
    checkpointIntervalMs: intFromEnv(
      'QF_PROCESSOR_CHECKPOINT_INTERVAL_MS',
      10_000,
      { min: 0, max: 3_600_000 },
      env,
    ),
    checkpointBatchMs: intFromEnv(
      'QF_PROCESSOR_CHECKPOINT_BATCH_MS',
      DEFAULT_CHECKPOINT_BATCH_MS,
      { min: 0, max: 3_600_000 },
      env,
    ),
    maxSnapshotsPerTransaction: 256,
    sessionTimeoutMs: intFromEnv('QF_SESSION_TIMEOUT_MS', 10_000, { min: 1000 }, env),
    heartbeatIntervalMs: intFromEnv('QF_HEARTBEAT_INTERVAL_MS', 1000, { min: 100 }, env),
    transactionTimeoutMs: intFromEnv('QF_TRANSACTION_TIMEOUT_MS', 10_000, { min: 1000 }, env),
    offsetsIntervalMs: intFromEnv(
      'QF_PROCESSOR_OFFSETS_INTERVAL_MS',
      1000,
      { min: 0, max: 600_000 },
      env,
    ),
    earlyPartitionAdds: boolFromEnv('QF_PROCESSOR_EARLY_PARTITIONS', true, env),
  };
};

/** Default QF_PROCESSOR_SLOTS (chosen by measurement: docs/adr/0002-es-write-path-v2.md). */
export const DEFAULT_SLOTS = 4;
/** Default QF_PROCESSOR_TXN_INTERVAL_MS and QF_PROCESSOR_TXN_RATE_PER_MS (same ADR). */
export const DEFAULT_TXN_INTERVAL_MS = 25;
export const DEFAULT_TXN_RATE_PER_MS = 40;
/**
 * Default QF_PROCESSOR_TXN_TARGET_COMMANDS: off. Measured (ADR 0015, Follow-up 3), 25 cut
 * p50 by 7–9 ms at 1,500–2,000/s on the write path but cost 8–19 % more CPU per command,
 * left the whole fleet's p95 at 1,500/s where it was (CPU-bound) and worsened the tail at
 * 3,000–4,000/s: worth it only where CPU is spare.
 */
export const DEFAULT_TXN_TARGET_COMMANDS = 0;
/** Default QF_GATEWAY_LINGER_MS and QF_GATEWAY_LINGER_RATE_PER_MS (ADR 0015, second follow-up). */
export const DEFAULT_GATEWAY_LINGER_MS = 5;
export const DEFAULT_GATEWAY_LINGER_RATE_PER_MS = 200;
/** Default QF_PROCESSOR_CHECKPOINT_BATCH_MS (ADR 0015). */
export const DEFAULT_CHECKPOINT_BATCH_MS = 1000;

/** QF_IDEMPOTENCY_HORIZON_MS (default 15 minutes): read by the processor and by whoever creates player.ledger. */
export const idempotencyHorizonMs = (env: NodeJS.ProcessEnv = process.env): number =>
  intFromEnv(
    'QF_IDEMPOTENCY_HORIZON_MS',
    DEFAULT_IDEMPOTENCY_HORIZON_MS,
    { min: 1000, max: 7 * 24 * 3_600_000 },
    env,
  );
