import type { Admin } from 'kafkajs';
import {
  topicSpecsFor,
  type TopicKey,
  type TopicLayout,
  type TopicNames,
  type TopicSpec,
} from '@qf/contracts';
import { ensureTopics, topicLayout } from '@qf/shared-kafka';
import { createLogger } from '@qf/shared-observability';

/**
 * The topics of the write path. They share one partition count and one key (the player
 * id), so partition p of every topic belongs to the processor that owns commands partition p.
 * Their settings come from the fleet's one topic specification (@qf/contracts).
 */
const WRITE_PATH_TOPICS: readonly TopicKey[] = [
  'commands',
  'events',
  'snapshots',
  'replies',
  'commandsDeadLetter',
];

export const writePathTopicSpecs = (topics: TopicNames, layout: TopicLayout): TopicSpec[] =>
  topicSpecsFor(WRITE_PATH_TOPICS, layout, topics);

const log = createLogger(process.env['QF_SERVICE'] ?? 'write-path', 'topics');

/**
 * Creates the write-path topics that are missing (refuses when one has another partition
 * count, or when the event store could lose history), then waits until every partition
 * has a leader that answers: when another service created the topics a moment ago, their
 * leaders may not be known yet.
 */
export const ensureWritePathTopics = async (
  admin: Admin,
  topics: TopicNames,
  partitions: number,
  timeoutMs = 15_000,
): Promise<void> => {
  const specs = writePathTopicSpecs(topics, await topicLayout(admin, process.env, partitions));
  await ensureTopics(admin, specs, {
    onDrift: (problem) => log.warn('topic differs from its specification', { ...problem }),
  });
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
