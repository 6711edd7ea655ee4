import { AssignerProtocol, type Admin } from 'kafkajs';

/** Lag of one consumer group on one partition. */
export interface PartitionLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Offset the next appended record gets (read committed: the last stable offset). */
  readonly highWatermark: number;
  /** Next offset the group will read; null when the group never committed here. */
  readonly committedOffset: number | null;
  /** highWatermark - committed offset (from the log start when nothing is committed). */
  readonly offsetLag: number;
  /**
   * Seconds since the oldest record the group has not applied yet was appended: how stale
   * what the group built is. 0 when caught up; null when it could not be determined.
   */
  readonly timeLagSeconds: number | null;
  /** Append time (ms) of that oldest pending record, when there is one. */
  readonly oldestPendingAppendedAt: number | null;
}

export interface ConsumerLagOptions {
  /** Reference time for the time lag (ms since the epoch). */
  readonly now?: number;
  /** Skip the time lag (offsets only: a cheaper call). */
  readonly offsetsOnly?: boolean;
  /** Each topic's ends, shared by the lookups of one call over many groups. */
  readonly topicEnds?: Map<string, Promise<TopicOffsets>>;
}

type TopicOffsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/**
 * The append time of the record at offset in topic/partition, from the broker's time
 * index alone (no consumer, no group): ListOffsets-by-timestamp answers "first offset
 * appended at or after T", so the record's time is the largest T whose answer is still at
 * or before offset. A binary search on T finds it to within max(20 ms, 0.5 % of its age).
 * Producers here stamp records at send time (CreateTime), which is monotonic enough per
 * partition for this to hold.
 */
export const appendTimeOf = async (
  admin: Admin,
  topic: string,
  partition: number,
  offset: number,
  now = Date.now(),
): Promise<number | null> => {
  const firstAtOrAfter = async (timestamp: number): Promise<number> => {
    const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return Number(
      offsets.find((entry) => entry.partition === partition)?.offset ?? Number.MAX_SAFE_INTEGER,
    );
  };
  // The record exists, so it was appended at or before now: now is an upper bound when
  // the answer for now is past offset. Walk back doubling until a time before the record.
  let late = now + 1;
  if ((await firstAtOrAfter(late)) <= offset) return null; // clock skew: stamped in the future
  let step = 1000;
  let early = late - step;
  while ((await firstAtOrAfter(early)) > offset) {
    late = early;
    step *= 2;
    early = late - step;
    if (early < 0) return null;
  }
  // Invariant: firstAtOrAfter(early) <= offset < firstAtOrAfter(late), so the record's
  // time is in [early, late).
  while (late - early > Math.max(40, (now - late) / 100)) {
    const middle = Math.floor((early + late) / 2);
    if ((await firstAtOrAfter(middle)) <= offset) early = middle;
    else late = middle;
  }
  return Math.floor((early + late) / 2);
};

/**
 * Lag of groupId on each partition of topics: offset lag from the committed offsets and
 * the high watermarks, time lag from the append time of the oldest pending record.
 * One ListOffsets and one OffsetFetch per topic, plus the time searches of lagging partitions.
 */
export const consumerGroupLag = async (
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  { now = Date.now(), offsetsOnly = false, topicEnds }: ConsumerLagOptions = {},
): Promise<PartitionLag[]> => {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const endsOf = (topic: string): Promise<TopicOffsets> => {
    if (!topicEnds) return admin.fetchTopicOffsets(topic);
    let ends = topicEnds.get(topic);
    if (!ends) {
      ends = admin.fetchTopicOffsets(topic);
      topicEnds.set(topic, ends);
    }
    return ends;
  };
  const rows = await Promise.all(
    committed.map(async ({ topic, partitions }) => {
      const ends: TopicOffsets = await endsOf(topic);
      return Promise.all(
        partitions.map(async ({ partition, offset }): Promise<PartitionLag> => {
          const end = ends.find((entry) => entry.partition === partition);
          const highWatermark = Number(end?.high ?? end?.offset ?? 0);
          const low = Number(end?.low ?? 0);
          const committedOffset = Number(offset) >= 0 ? Number(offset) : null;
          const next = Math.max(committedOffset ?? low, low);
          const offsetLag = Math.max(0, highWatermark - next);
          let oldestPendingAppendedAt: number | null = null;
          let timeLagSeconds: number | null = offsetLag === 0 ? 0 : null;
          if (offsetLag > 0 && !offsetsOnly) {
            oldestPendingAppendedAt = await appendTimeOf(admin, topic, partition, next, now).catch(
              () => null,
            );
            if (oldestPendingAppendedAt !== null)
              timeLagSeconds = Math.max(0, (now - oldestPendingAppendedAt) / 1000);
          }
          return {
            groupId,
            topic,
            partition,
            highWatermark,
            committedOffset,
            offsetLag,
            timeLagSeconds,
            oldestPendingAppendedAt,
          };
        }),
      );
    }),
  );
  return rows.flat().sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
};

/** Groups whose lag is looked up at once (each is an OffsetFetch, plus ListOffsets per topic). */
const GROUPS_AT_ONCE = 16;

/** Runs work over items, at most `limit` at a time, results in order. */
const mapLimited = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
};

/**
 * The consumer groups that have committed offsets on any of topics, or have a member
 * assigned one, with their lag. A broker shared by many runs holds hundreds of groups that
 * consume other topics: each is first checked with offsets only (one OffsetFetch), and the
 * time lag (a search over the time index per lagging partition) is computed only for the
 * groups that consume these topics.
 */
export const fleetConsumerLag = async (
  admin: Admin,
  topics: readonly string[],
  { groups, ...options }: ConsumerLagOptions & { groups?: readonly string[] } = {},
): Promise<PartitionLag[]> => {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length === 0) return [];
  const groupIds =
    groups ??
    (await admin.listGroups()).groups
      .filter((group) => group.protocolType === 'consumer')
      .map((group) => group.groupId);
  const assigned = await assignedTopics(admin, groupIds);
  // One ListOffsets per topic for the whole call (the time searches still read fresh ones).
  const topicEnds = new Map<string, Promise<TopicOffsets>>();
  const perGroup = await mapLimited(groupIds, GROUPS_AT_ONCE, async (groupId) => {
    const offsets = await consumerGroupLag(admin, groupId, present, {
      ...options,
      offsetsOnly: true,
      topicEnds,
    });
    // Only the topics the group consumes: it committed on them, or a member is assigned them.
    // (The projector's group has no business with player.commands, nor the processor's with player.events.)
    const consumed = new Set(
      offsets.filter((row) => row.committedOffset !== null).map((row) => row.topic),
    );
    for (const topic of assigned.get(groupId) ?? []) consumed.add(topic);
    // A group named by the caller that never consumed here lags by every partition; any other consumes something else.
    const chosen = consumed.size > 0 ? present.filter((topic) => consumed.has(topic)) : [];
    if (chosen.length === 0)
      return groups ? lagWithTimes(admin, groupId, present, options, offsets) : [];
    return lagWithTimes(
      admin,
      groupId,
      chosen,
      options,
      offsets.filter((row) => consumed.has(row.topic)),
    );
  });
  return perGroup.flat();
};

/** The rows again with their time lag, unless only offsets were asked for. */
const lagWithTimes = async (
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  options: ConsumerLagOptions,
  offsets: PartitionLag[],
): Promise<PartitionLag[]> =>
  options.offsetsOnly ? offsets : consumerGroupLag(admin, groupId, topics, options);

/**
 * The topics assigned to each group's live members (none for a group without live
 * members, or whose assignment cannot be read): one DescribeGroups per coordinator.
 */
const assignedTopics = async (
  admin: Admin,
  groupIds: readonly string[],
): Promise<Map<string, string[]>> => {
  const assigned = new Map<string, string[]>();
  if (groupIds.length === 0) return assigned;
  try {
    const { groups } = await admin.describeGroups([...groupIds]);
    for (const group of groups)
      assigned.set(
        group.groupId,
        group.members.flatMap((member) => {
          try {
            return Object.keys(
              AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {},
            );
          } catch {
            return [];
          }
        }),
      );
  } catch {
    // Without assignments, committed offsets alone say which groups consume the topics.
  }
  return assigned;
};
