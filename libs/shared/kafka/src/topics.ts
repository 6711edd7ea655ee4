import type { Admin, ITopicConfig } from 'kafkajs';
import { awaitTopicServing } from './topic-ready';

/** A topic the fleet needs, with its partition count and configs. */
export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries?: ReadonlyArray<{ name: string; value: string }>;
}

/** Thrown when an existing topic has another partition count than the fleet expects. */
export class TopicMismatchError extends Error {
  constructor(readonly topic: string, readonly expected: number, readonly actual: number) {
    super(`topic ${topic} has ${actual} partitions but ${expected} are configured; partitioning by player id needs the same count on every write-path topic`);
  }
}

/**
 * Creates the topics that do not exist yet (idempotent: safe for every replica to call
 * at start) and checks that existing ones have the expected partition count.
 */
export const ensureTopics = async (admin: Admin, specs: readonly TopicSpec[]): Promise<void> => {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(
          (spec): ITopicConfig => ({
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            ...(spec.configEntries ? { configEntries: [...spec.configEntries] } : {}),
          }),
        ),
      });
    } catch (error) {
      if (isNotServedYet(error)) {
        // Created, but a broker just started answers "does not host this topic-partition" for
        // a few seconds, and kafkajs' waitForLeaders gives up on that: wait until it serves them.
        for (const spec of missing) await awaitTopicServing(admin, spec.topic);
      } else if (!(error instanceof Error && /already exists/i.test(error.message))) {
        // Anything but another replica creating it between listTopics and createTopics.
        throw error;
      }
    }
  }
  const present = specs.filter((spec) => existing.has(spec.topic));
  if (present.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((spec) => spec.topic) });
  for (const spec of present) {
    const actual = metadata.topics.find((topic) => topic.name === spec.topic)?.partitions.length ?? 0;
    if (actual !== spec.numPartitions) throw new TopicMismatchError(spec.topic, spec.numPartitions, actual);
  }
};

/** kafkajs' protocol error for it, thrown as is or as the cause of a retrier's error. */
export const isNotServedYet = (error: unknown): boolean => {
  const { type, cause } = (error ?? {}) as { type?: unknown; cause?: { type?: unknown } };
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
};
