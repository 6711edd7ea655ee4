import type { Admin, Kafka } from 'kafkajs';
import type { TopicNames } from '@qf/contracts';
import { readPartitionRanges } from '@qf/shared-kafka';
import type { IdempotencyIndex } from '../ledger/idempotency-index';
import { SlotRestorer } from './slot-restorer';
import type { SlotState } from './slot-state';

export interface SlotRestoreContext {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly horizonMs: number;
}

/** What an offsets commit of the processor says besides the offset (TxnOffsetCommit metadata). */
export interface OffsetsMetadata {
  /** player.ledger offset of this partition at that commit: a restore reads the ledger from there at the latest. */
  readonly ledger: number;
}

export const encodeOffsetsMetadata = (metadata: OffsetsMetadata): string =>
  JSON.stringify({ l: metadata.ledger });

const decodeOffsetsMetadata = (text: string | null | undefined): OffsetsMetadata | undefined => {
  if (!text) return undefined;
  try {
    const raw = JSON.parse(text) as { l?: unknown };
    return typeof raw.l === 'number' && Number.isSafeInteger(raw.l) ? { ledger: raw.l } : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Reads a slot's state back from Kafka (after fencing, so nothing more is written to these
 * partitions meanwhile): the committed offsets, then player.ledger from the earlier of "one
 * horizon ago" and the offset the last offsets commit recorded (so the last record of an
 * idle partition is found too), and player.snapshots whole (compacted), in one read; then
 * player.events from each partition's restore point. See SlotRestorer.
 */
export const restoreSlot = async (
  context: SlotRestoreContext,
  partitions: readonly number[],
  index: IdempotencyIndex,
  now: number,
): Promise<SlotState> => {
  const { kafka, admin, topics, groupId } = context;
  const restorer = new SlotRestorer(partitions, index, now, context.horizonMs);
  const [committed, byTime] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [topics.commands] }),
    admin.fetchTopicOffsetsByTimestamp(topics.ledger, now - context.horizonMs),
  ]);
  const ledgerFrom = new Map<number, bigint>();
  for (const partition of partitions) {
    const commit = committed[0]?.partitions.find((entry) => entry.partition === partition);
    const offset = Number(commit?.offset ?? -1);
    if (offset >= 0) restorer.committed(partition, offset);
    const recorded = decodeOffsetsMetadata(commit?.metadata)?.ledger ?? 0;
    const horizon = Number(byTime.find((entry) => entry.partition === partition)?.offset ?? 0);
    ledgerFrom.set(partition, BigInt(Math.max(0, Math.min(recorded, horizon))));
  }
  const groupPrefix = `${groupId}-restore`;
  const stored = await readPartitionRanges(
    kafka,
    admin,
    [
      ...partitions.map((partition) => ({
        topic: topics.ledger,
        partition,
        from: ledgerFrom.get(partition) ?? 0n,
      })),
      ...partitions.map((partition) => ({ topic: topics.snapshots, partition })),
    ],
    (topic, partition, message) =>
      topic === topics.ledger
        ? restorer.ledger(partition, message)
        : restorer.snapshot(partition, message),
    { groupPrefix },
  );
  const events = await readPartitionRanges(
    kafka,
    admin,
    partitions.map((partition) => ({
      topic: topics.events,
      partition,
      from: BigInt(restorer.eventsFrom(partition)),
    })),
    (_, partition, message) => restorer.event(partition, message),
    { groupPrefix },
  );
  const endsOf = (list: typeof events, topic: string) =>
    new Map(
      list
        .filter((end) => end.topic === topic)
        .map((end) => [end.partition, Number(end.endOffset)] as const),
    );
  return restorer.finish(index, {
    events: endsOf(events, topics.events),
    ledger: endsOf(stored, topics.ledger),
  });
};
