import type { Admin, Kafka } from 'kafkajs';
import { topicEnds, type RebuildSettings } from '@qf/replay';

/** One plain kafkajs consumer over the whole topic, doing nothing with the records: the ceiling. */
export const measureCeiling = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  settings: Partial<RebuildSettings>,
  groupId: string,
): Promise<{ seconds: number; events: number; cpuSeconds: number }> => {
  const ends = new Map(
    (await topicEnds(admin, topic)).map(({ partition, high }) => [partition, high]),
  );
  const reached = new Map<number, number>();
  const done = () => [...ends].every(([partition, end]) => (reached.get(partition) ?? 0) >= end);
  let events = 0;
  const consumer = kafka.consumer({
    groupId,
    readUncommitted: false,
    maxBytesPerPartition: settings.maxBytesPerPartition,
    maxBytes: settings.maxBytes,
    sessionTimeout: settings.sessionTimeoutMs,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const start = performance.now();
  const cpu = process.cpuUsage();
  let finished!: () => void;
  const allRead = new Promise<void>((resolve) => (finished = resolve));
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
    eachBatch: async ({ batch }) => {
      events += batch.messages.length;
      reached.set(batch.partition, Number(batch.lastOffset()) + 1);
      if (done()) finished();
    },
  });
  if (!done()) await allRead;
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  await consumer.disconnect();
  return { seconds, events, cpuSeconds: (used.user + used.system) / 1e6 };
};
