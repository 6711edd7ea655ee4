import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { fixedPartitionAssigner } from './kafkajs/fixed-partition.assigner';

export interface ReadRangeOptions {
  /** The throwaway group's name starts with it (default qf-reader). */
  readonly groupPrefix?: string;
  readonly timeoutMs?: number;
}

/**
 * Reads topic/partition from offset `from` (inclusive) to `to` (exclusive, at most the last
 * stable offset) in order, read committed, calling onMessage until it returns false. A
 * throwaway consumer group with a fixed assignment does the reading (kafkajs has no
 * assign()); it commits nothing and is deleted afterwards. Resolves with the records read.
 */
export const readRange = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
  onMessage: (message: KafkaMessage) => boolean | void,
  { groupPrefix = 'qf-reader', timeoutMs = 120_000 }: ReadRangeOptions = {},
): Promise<number> => {
  if (to <= from) return 0;
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
  // Batches of only transaction markers never reach eachBatch; their end shows in this event.
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
          if (offset >= to || onMessage(message) === false) {
            stopped = true;
            finish();
            return;
          }
          records += 1;
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
  return records;
};
