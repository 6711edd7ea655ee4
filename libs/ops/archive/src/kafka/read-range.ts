import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { fixedPartitionAssigner } from '@qf/shared-kafka';

/**
 * Reads topic/partition from offset `from` (inclusive) to `to` (exclusive, at most the
 * high watermark) in order, read committed, calling onMessage until it returns false.
 * A throwaway group with a fixed assignment does the reading and is deleted afterwards.
 */
export const readRange = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
  onMessage: (message: KafkaMessage) => boolean,
  { timeoutMs = 300_000 }: { timeoutMs?: number } = {},
): Promise<void> => {
  if (to <= from) return;
  const groupId = `qf-archive-${topic}-${partition}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedPartitionAssigner({ [topic]: [partition] })],
    readUncommitted: false,
    maxWaitTimeInMs: 50,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () =>
      fail(new Error(`reading ${topic}[${partition}] ${from}..${to} took over ${timeoutMs} ms`)),
    timeoutMs,
  );
  let stopped = false;
  // Transaction markers never reach eachBatch; the offset they end at shows here.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.partition === partition && BigInt(payload.lastOffset) + 1n >= to) finish();
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (stopped) return;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < from) continue;
          if (offset >= to || !onMessage(message)) {
            stopped = true;
            finish();
            return;
          }
        }
        if (BigInt(batch.lastOffset()) + 1n >= to) finish();
      },
    });
    consumer.seek({ topic, partition, offset: from.toString() });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
};
