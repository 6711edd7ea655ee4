import type { Admin } from 'kafkajs';
import type { PartitionPosition } from '../progress/replay-progress';
import type { PartitionOffset } from '../state/replay-state';

/** The topic a replay reads does not exist: there is nothing to rebuild from. */
export class MissingTopicError extends Error {
  readonly code = 'REPLAY.NO_TOPIC';
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist: nothing to replay (check --prefix / QF_TOPIC_PREFIX)`);
  }
}

/** Low and high watermark of every partition (read committed: the high one is the last stable offset). */
export const topicEnds = async (
  admin: Admin,
  topic: string,
): Promise<Array<{ partition: number; low: number; high: number }>> => {
  if (!(await admin.listTopics()).includes(topic)) throw new MissingTopicError(topic);
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets
    .map(({ partition, low, high, offset }) => ({
      partition,
      low: Number(low ?? 0),
      high: Number(high ?? offset),
    }))
    .sort((a, b) => a.partition - b.partition);
};

/** The committed offset of groupId on each partition of topic (null: never committed). */
export const committedOffsets = async (
  admin: Admin,
  groupId: string,
  topic: string,
): Promise<Map<number, number | null>> => {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map(
    (entry?.partitions ?? []).map(({ partition, offset }) => [
      partition,
      Number(offset) >= 0 ? Number(offset) : null,
    ]),
  );
};

/** Where groupId stands on every partition of topic, against the rebuild's target offsets and the live head. */
export const partitionPositions = async (
  admin: Admin,
  groupId: string,
  topic: string,
  targetEnd: readonly PartitionOffset[],
): Promise<PartitionPosition[]> => {
  const [ends, committed] = await Promise.all([
    topicEnds(admin, topic),
    committedOffsets(admin, groupId, topic),
  ]);
  const targets = new Map(targetEnd.map(({ partition, offset }) => [partition, offset]));
  return ends.map(({ partition, low, high }) => ({
    partition,
    low,
    head: high,
    // A partition added after the rebuild began has no target: the head is its target.
    target: targets.get(partition) ?? high,
    committed: committed.get(partition) ?? null,
  }));
};

/**
 * Whether groupA has reached groupB on every partition groupB committed: the handover
 * condition (the rebuild group must have passed wherever the live group had got to).
 */
export const hasReached = (
  a: ReadonlyMap<number, number | null>,
  b: ReadonlyMap<number, number | null>,
): boolean =>
  [...b].every(([partition, offset]) => offset === null || (a.get(partition) ?? -1) >= offset);
