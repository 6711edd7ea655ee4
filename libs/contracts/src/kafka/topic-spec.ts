import { DEFAULT_PARTITIONS, topicNames, type TopicNames } from './topic-names';

/** Which of the fleet's topics a spec describes (the keys of TopicNames). */
export type TopicKey = keyof TopicNames;

/**
 * How one Kafka topic of the fleet must be set up. This is the only place partitions,
 * retention, cleanup policy, replication factor and `min.insync.replicas` are decided:
 * every service and the CLI create and check their topics from it (ensureTopics in
 * @qf/shared-kafka).
 */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  /** Absent: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs set at creation (and compared with an existing topic's). */
  readonly configEntries?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /**
   * The topic is a store of record (the event store, the audit log's source): an existing
   * topic whose settings could lose history makes the service refuse to run.
   */
  readonly keepsHistory?: boolean;
  /**
   * Partitioning by player id needs the same count on every write-path topic: an
   * existing topic with another count is refused (the default). False for topics that
   * work with any count (dead letters).
   */
  readonly partitionsMustMatch?: boolean;
}

/** Cluster-level choices every spec of a fleet shares. */
export interface TopicLayout {
  /** Partitions of every keyed topic (QF_PARTITIONS, default 12). */
  readonly partitions: number;
  /** Replicas of every partition: min(3, brokers) unless QF_REPLICATION_FACTOR says otherwise. */
  readonly replicationFactor: number;
  /** Replicas that must have a write before it is acknowledged (acks=all). */
  readonly minInsyncReplicas: number;
  /**
   * How long the processor deduplicates a command id after its decision
   * (QF_IDEMPOTENCY_HORIZON_MS): player.ledger keeps at least twice that whole.
   */
  readonly idempotencyHorizonMs: number;
}

/** QF_IDEMPOTENCY_HORIZON_MS unless set: a client retrying within 15 minutes gets its first answer again. */
export const DEFAULT_IDEMPOTENCY_HORIZON_MS = 15 * 60_000;

/**
 * The replication a cluster of `brokers` nodes gets: three copies when it can, and
 * `min.insync.replicas` = 2 with three copies, so one broker may fail without losing an
 * acknowledged write or stopping writes. 1 / 1 on the single local broker.
 */
export const replicationFor = (
  brokers: number,
  requested?: number,
): Pick<TopicLayout, 'replicationFactor' | 'minInsyncReplicas'> => {
  const replicationFactor = Math.max(1, Math.min(requested ?? 3, brokers));
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

const entries = (configs: Readonly<Record<string, string>>) =>
  Object.entries(configs).map(([name, value]) => ({ name, value }));

/** Settings a topic that keeps history must have: nothing is ever deleted or compacted away. */
export const HISTORY_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'unclean.leader.election.enable': 'false',
};

/** The spec of every topic of the fleet, for one topic prefix and layout. */
export const fleetTopicSpecs = (
  names: TopicNames,
  layout: TopicLayout,
): Readonly<Record<TopicKey, TopicSpec>> => {
  const { partitions, replicationFactor } = layout;
  const isr = { 'min.insync.replicas': String(layout.minInsyncReplicas) };
  const keyed = (
    topic: string,
    configs: Record<string, string>,
    keepsHistory = false,
  ): TopicSpec => ({
    topic,
    numPartitions: partitions,
    replicationFactor,
    configEntries: entries({ ...isr, ...configs }),
    ...(keepsHistory ? { keepsHistory } : {}),
  });
  // Dead letters are what an operator still has to look at: kept until removed by hand.
  const deadLetter = (topic: string, numPartitions: number): TopicSpec => ({
    topic,
    numPartitions,
    replicationFactor,
    configEntries: entries({ ...isr, 'cleanup.policy': 'delete', 'retention.ms': '-1' }),
    partitionsMustMatch: false,
  });
  return {
    // Commands only matter until decided; a week covers any outage of the processors.
    commands: keyed(names.commands, {
      'cleanup.policy': 'delete',
      'retention.ms': String(7 * DAY_MS),
    }),
    events: keyed(names.events, HISTORY_CONFIGS, true),
    snapshots: keyed(names.snapshots, {
      'cleanup.policy': 'compact',
      // Small segments and an eager cleaner keep a restore close to one record per player.
      'segment.bytes': String(16 * 1024 * 1024),
      'min.cleanable.dirty.ratio': '0.2',
    }),
    // Every record of a partition has the same key: compaction keeps each partition's last
    // record (its decided offset and restore point) for good, and everything younger than
    // twice the idempotency horizon whole (the command ids a restore must know).
    ledger: keyed(names.ledger, {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': String(2 * layout.idempotencyHorizonMs),
      'segment.ms': String(Math.max(60_000, Math.floor(layout.idempotencyHorizonMs / 2))),
      'segment.bytes': String(64 * 1024 * 1024),
    }),
    // Replies matter only while someone waits for them.
    replies: keyed(names.replies, { 'cleanup.policy': 'delete', 'retention.ms': String(HOUR_MS) }),
    commandsDeadLetter: deadLetter(names.commandsDeadLetter, partitions),
    eventsDeadLetter: deadLetter(names.eventsDeadLetter, partitions),
    // The audit topic is the source `qf replay audit_log` rebuilds the audit log from.
    crudAudit: keyed(names.crudAudit, HISTORY_CONFIGS, true),
    crudAuditDeadLetter: deadLetter(names.crudAuditDeadLetter, 1),
  };
};

/** The specs of some of the fleet's topics, in the order asked. */
export const topicSpecsFor = (
  keys: readonly TopicKey[],
  layout: TopicLayout,
  names: TopicNames = topicNames(),
): TopicSpec[] => {
  const all = fleetTopicSpecs(names, layout);
  return keys.map((key) => all[key]);
};

/** A layout for `brokers` nodes with the default partition count (tests, tools). */
export const topicLayoutFor = (
  brokers: number,
  partitions = DEFAULT_PARTITIONS,
  idempotencyHorizonMs = DEFAULT_IDEMPOTENCY_HORIZON_MS,
): TopicLayout => ({
  partitions,
  ...replicationFor(brokers),
  idempotencyHorizonMs,
});
