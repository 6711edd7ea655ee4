import type { Admin, Kafka } from 'kafkajs';
import { gauge } from '@qf/shared-observability';

/** Letters retained per dead-letter topic, summed over partitions (high watermark − log start). */
export const deadLetterDepth = async (admin: Admin, topic: string): Promise<number> =>
  (await admin.fetchTopicOffsets(topic)).reduce(
    (sum, { low, high }) => sum + Math.max(0, Number(high) - Number(low)),
    0,
  );

interface DepthSource {
  readonly kafka: Kafka;
  readonly topics: readonly string[];
  admin?: Admin;
}

const sources = new Set<DepthSource>();

// Measured when scraped, not on a timer: a DLQ changes rarely and an idle service should
// not poll the broker. A topic that does not exist yet reports nothing rather than 0.
const depthGauge = gauge({
  name: 'qf_dead_letter_depth',
  help: 'Records retained in a dead-letter topic: open letters, plus handled ones behind an open one (qf dlq list tells them apart)',
  labelNames: ['topic'],
  async collect() {
    for (const source of sources) {
      try {
        if (!source.admin) {
          const admin = source.kafka.admin();
          await admin.connect();
          source.admin = admin;
        }
        const existing = new Set(await source.admin.listTopics());
        for (const topic of source.topics) {
          if (existing.has(topic)) this.set({ topic }, await deadLetterDepth(source.admin, topic));
        }
      } catch {
        // Kafka away: the last value stays (staleness shows in the consumer health checks).
      }
    }
  },
});

/** Reports the depth of topics on /metrics (qf_dead_letter_depth) until the returned stop is called. */
export const exportDeadLetterDepth = (
  kafka: Kafka,
  topics: readonly string[],
): (() => Promise<void>) => {
  const source: DepthSource = { kafka, topics };
  sources.add(source);
  return async () => {
    sources.delete(source);
    for (const topic of topics) depthGauge.remove({ topic });
    await source.admin?.disconnect().catch(() => undefined);
  };
};
