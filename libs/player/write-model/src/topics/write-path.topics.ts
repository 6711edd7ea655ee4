import type { Admin } from 'kafkajs';
import type { TopicNames } from '@qf/contracts';
import { ensureTopics, type TopicSpec } from '@qf/shared-kafka';
import { idempotencyHorizonMs } from '../config/write-path.config';

export interface WritePathTopicOptions {
  /** How long command ids must stay on player.ledger (default: QF_IDEMPOTENCY_HORIZON_MS). */
  readonly idempotencyHorizonMs?: number;
}

/**
 * The topics of the write path. They share one partition count and one key (the player
 * id), so partition p of every topic belongs to the processor that owns commands partition p.
 */
export const writePathTopicSpecs = (
  topics: TopicNames,
  partitions: number,
  options: WritePathTopicOptions = {},
): TopicSpec[] => {
  const horizon = options.idempotencyHorizonMs ?? idempotencyHorizonMs();
  return [
    { topic: topics.commands, numPartitions: partitions },
    // The event store: never deleted.
    {
      topic: topics.events,
      numPartitions: partitions,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    },
    {
      topic: topics.snapshots,
      numPartitions: partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        // Small segments and an eager cleaner keep a restore close to one record per player.
        { name: 'segment.bytes', value: String(16 * 1024 * 1024) },
        { name: 'min.cleanable.dirty.ratio', value: '0.2' },
      ],
    },
    // Every record of a partition has the same key: compaction keeps each partition's last
    // record (its decided offset and restore point) for good, and everything younger than
    // twice the idempotency horizon whole (the command ids a restore must know).
    {
      topic: topics.ledger,
      numPartitions: partitions,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'min.compaction.lag.ms', value: String(2 * horizon) },
        { name: 'segment.ms', value: String(Math.max(60_000, Math.floor(horizon / 2))) },
        { name: 'segment.bytes', value: String(64 * 1024 * 1024) },
      ],
    },
    // Replies matter only while someone waits for them.
    {
      topic: topics.replies,
      numPartitions: partitions,
      configEntries: [{ name: 'retention.ms', value: String(60 * 60 * 1000) }],
    },
    { topic: topics.commandsDeadLetter, numPartitions: partitions },
  ];
};

/**
 * Creates the write-path topics that are missing (fails when one has another partition
 * count), then waits until every partition has a leader that answers: when another
 * service created the topics a moment ago, their leaders may not be known yet.
 */
export const ensureWritePathTopics = async (
  admin: Admin,
  topics: TopicNames,
  partitions: number,
  options: WritePathTopicOptions & { timeoutMs?: number } = {},
): Promise<void> => {
  const specs = writePathTopicSpecs(topics, partitions, options);
  await ensureTopics(admin, specs);
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    try {
      await Promise.all(specs.map((spec) => admin.fetchTopicOffsets(spec.topic)));
      break;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (options.idempotencyHorizonMs !== undefined)
    await checkLedgerKeepsHorizon(admin, topics.ledger, options.idempotencyHorizonMs);
};

/**
 * Refuses a player.ledger that would lose command ids younger than the idempotency
 * horizon (created earlier with a shorter one, or changed by hand): a restore would then
 * decide a retried command again.
 */
export const checkLedgerKeepsHorizon = async (
  admin: Admin,
  topic: string,
  horizonMs: number,
): Promise<void> => {
  const described = await admin.describeConfigs({
    resources: [
      {
        type: 2,
        name: topic,
        configNames: ['cleanup.policy', 'min.compaction.lag.ms', 'retention.ms'],
      },
    ],
    includeSynonyms: false,
  });
  const configs = new Map(
    (described.resources[0]?.configEntries ?? []).map((entry) => [
      entry.configName,
      entry.configValue,
    ]),
  );
  const policy = configs.get('cleanup.policy') ?? 'delete';
  const lag = Number(configs.get('min.compaction.lag.ms') ?? 0);
  const retention = Number(configs.get('retention.ms') ?? -1);
  const keeps = Math.min(
    policy.includes('compact') ? lag : Number.POSITIVE_INFINITY,
    policy.includes('delete') && retention >= 0 ? retention : Number.POSITIVE_INFINITY,
  );
  if (keeps < horizonMs)
    throw new Error(
      `${topic} keeps decided command ids for ${keeps} ms (cleanup.policy=${policy}, min.compaction.lag.ms=${lag}, retention.ms=${retention}) but QF_IDEMPOTENCY_HORIZON_MS is ${horizonMs}: raise min.compaction.lag.ms on the topic (kafka-configs.sh --alter --entity-type topics --entity-name ${topic} --add-config min.compaction.lag.ms=${2 * horizonMs}) or lower the horizon`,
    );
};
