import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { fixedPartitionAssigner } from './kafkajs/fixed-partition.assigner';

/**
 * Reads one partition from its beginning up to the offset its last committed record ends
 * at (read_committed: the last stable offset), calling onMessage in order. A throwaway
 * consumer group with a fixed assignment does the reading (kafkajs has no assign()); it
 * commits nothing and is deleted afterwards.
 */
export const readPartitionToEnd = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  onMessage: (message: KafkaMessage) => void,
  {
    groupPrefix = 'qf-reader',
    timeoutMs = 120_000,
  }: { groupPrefix?: string; timeoutMs?: number } = {},
): Promise<{ records: number; endOffset: bigint }> => {
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds = offsets.find((entry) => entry.partition === partition);
  if (!bounds) throw new Error(`${topic} has no partition ${partition}`);
  const end = BigInt(bounds.high);
  if (end <= BigInt(bounds.low)) return { records: 0, endOffset: end };

  const groupId = `${groupPrefix}-${topic}-${partition}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedPartitionAssigner({ [topic]: [partition] })],
    readUncommitted: false,
    maxWaitTimeInMs: 50,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  let records = 0;
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const reachedEnd = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () =>
      fail(
        new Error(
          `reading ${topic}[${partition}] did not reach offset ${end} within ${timeoutMs} ms`,
        ),
      ),
    timeoutMs,
  );
  // Batches of only transaction markers never reach eachBatch; their end shows in this event.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.partition === partition && BigInt(payload.lastOffset) + 1n >= end) finish();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (BigInt(message.offset) >= end) break;
          onMessage(message);
          records += 1;
        }
        if (BigInt(batch.lastOffset()) + 1n >= end) finish();
      },
    });
    await reachedEnd;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return { records, endOffset: end };
};
