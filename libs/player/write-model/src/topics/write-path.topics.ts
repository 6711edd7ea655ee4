import type { Admin } from 'kafkajs';
import type { TopicNames } from '@qf/contracts';
import { ensureTopics, type TopicSpec } from '@qf/shared-kafka';

/**
 * The topics of the write path. They share one partition count and one key (the player
 * id), so partition p of every topic belongs to the processor that owns commands partition p.
 */
export const writePathTopicSpecs = (topics: TopicNames, partitions: number): TopicSpec[] => [
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
  // Replies matter only while someone waits for them.
  {
    topic: topics.replies,
    numPartitions: partitions,
    configEntries: [{ name: 'retention.ms', value: String(60 * 60 * 1000) }],
  },
  { topic: topics.commandsDeadLetter, numPartitions: partitions },
];

/**
 * Creates the write-path topics that are missing (fails when one has another partition
 * count), then waits until every partition has a leader that answers: when another
 * service created the topics a moment ago, their leaders may not be known yet.
 */
export const ensureWritePathTopics = async (
  admin: Admin,
  topics: TopicNames,
  partitions: number,
  timeoutMs = 15_000,
): Promise<void> => {
  const specs = writePathTopicSpecs(topics, partitions);
  await ensureTopics(admin, specs);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await Promise.all(specs.map((spec) => admin.fetchTopicOffsets(spec.topic)));
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
};
