import { randomBytes } from 'node:crypto';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { fixedPartitionAssigner } from './kafkajs/fixed-partition.assigner';

/** One partition to read, from `from` (inclusive; clamped to the partition's start) to its end. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  /** First offset to read; absent: the partition's first offset. */
  readonly from?: bigint;
}

/** Where each range ended up: the offset its last committed record ends at (read_committed). */
export interface RangeEnd {
  readonly topic: string;
  readonly partition: number;
  readonly endOffset: bigint;
  readonly records: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Reads several partitions (of one or more topics) from a start offset each up to the end
 * they had when the read began (read_committed: the last stable offset), calling onMessage
 * in offset order per partition (partitions interleave). One throwaway consumer group with
 * a fixed assignment does the reading (kafkajs has no assign()); it commits nothing and is
 * deleted afterwards. Ranges already at their end cost nothing.
 */
export const readPartitionRanges = async (
  kafka: Kafka,
  admin: Admin,
  ranges: readonly PartitionRange[],
  onMessage: (topic: string, partition: number, message: KafkaMessage) => void,
  {
    groupPrefix = 'qf-reader',
    timeoutMs = 120_000,
    maxBytesPerPartition = 4 * 1024 * 1024,
  }: { groupPrefix?: string; timeoutMs?: number; maxBytesPerPartition?: number } = {},
): Promise<RangeEnd[]> => {
  const topics = [...new Set(ranges.map((range) => range.topic))];
  const bounds = new Map<string, { low: bigint; high: bigint }>();
  await Promise.all(
    topics.map(async (topic) => {
      for (const entry of await admin.fetchTopicOffsets(topic))
        bounds.set(key(topic, entry.partition), {
          low: BigInt(entry.low),
          high: BigInt(entry.high),
        });
    }),
  );
  const pending = new Map<string, { range: PartitionRange; start: bigint; end: bigint }>();
  const ends = new Map<string, RangeEnd>();
  for (const range of ranges) {
    const bound = bounds.get(key(range.topic, range.partition));
    if (!bound) throw new Error(`${range.topic} has no partition ${range.partition}`);
    const start = range.from === undefined || range.from < bound.low ? bound.low : range.from;
    ends.set(key(range.topic, range.partition), {
      topic: range.topic,
      partition: range.partition,
      endOffset: bound.high,
      records: 0,
    });
    if (start < bound.high)
      pending.set(key(range.topic, range.partition), { range, start, end: bound.high });
  }
  if (pending.size === 0) return [...ends.values()];

  const assignment: Record<string, number[]> = {};
  for (const { range } of pending.values()) (assignment[range.topic] ??= []).push(range.partition);
  const groupId = `${groupPrefix}-${randomBytes(6).toString('hex')}`;
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [fixedPartitionAssigner(assignment)],
    readUncommitted: false,
    maxWaitTimeInMs: 50,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    maxBytesPerPartition,
    allowAutoTopicCreation: false,
  });
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const reachedEnd = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const done = (topic: string, partition: number, lastOffset: string) => {
    const id = key(topic, partition);
    const entry = pending.get(id);
    if (entry && BigInt(lastOffset) + 1n >= entry.end) pending.delete(id);
    if (pending.size === 0) finish();
  };
  const timer = setTimeout(
    () =>
      fail(
        new Error(
          `reading ${[...pending.keys()].map((id) => id.replace('\u0000', '[') + ']').join(', ')} did not reach the end within ${timeoutMs} ms`,
        ),
      ),
    timeoutMs,
  );
  // Batches of only transaction markers never reach eachBatch; their end shows in this event.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
    done(payload.topic, payload.partition, payload.lastOffset),
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => fail(payload.error));
  try {
    await consumer.connect();
    await Promise.all(topics.map((topic) => consumer.subscribe({ topic, fromBeginning: true })));
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const id = key(batch.topic, batch.partition);
        const entry = pending.get(id);
        const end = ends.get(id);
        if (!entry || !end) return;
        let records = 0;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < entry.start) continue;
          if (offset >= entry.end) break;
          onMessage(batch.topic, batch.partition, message);
          records += 1;
        }
        ends.set(id, { ...end, records: end.records + records });
        done(batch.topic, batch.partition, batch.lastOffset());
      },
    });
    for (const { range, start } of pending.values())
      consumer.seek({ topic: range.topic, partition: range.partition, offset: start.toString() });
    await reachedEnd;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return [...ends.values()];
};
