import type { Admin } from 'kafkajs';
import { topicNames } from '@qf/contracts';
import { consumerGroupLag, type PartitionLag } from '@qf/shared-kafka';
import type { Architecture } from '../config/experiment-config.schema';
import type { ConsumerLag } from '../results/experiment-results';

/** A consumer group of a cell's fleet and the topic it consumes. */
export interface GroupOnTopic {
  readonly group: string;
  readonly topic: string;
}

/** The consumer groups of `arch` under a topic prefix (the services' default group names). */
export const consumerGroupsOf = (arch: Architecture, prefix: string): GroupOnTopic[] => {
  const topics = topicNames(prefix);
  return arch === 'es'
    ? [
        { group: `${prefix}command-processor`, topic: topics.commands },
        { group: `${prefix}projector`, topic: topics.events },
      ]
    : [{ group: `${prefix}audit-consumer`, topic: topics.crudAudit }];
};

/** One group's partitions summed: total and largest offset lag, oldest pending record's age. */
export const summarizeLag = (group: string, rows: readonly PartitionLag[]): ConsumerLag => {
  const totalLag = rows.reduce((sum, row) => sum + row.offsetLag, 0);
  const maxPartitionLag = rows.reduce((max, row) => Math.max(max, row.offsetLag), 0);
  const times = rows.map((row) => row.timeLagSeconds);
  const known = times.every((time) => time !== null);
  return {
    group,
    totalLag,
    maxPartitionLag,
    ...(known && rows.length > 0
      ? { timeLagMs: Math.round(Math.max(0, ...(times as number[])) * 1000) }
      : {}),
  };
};

/** Lag of every group of the cell, read from the broker (committed offsets vs. log end). */
export const measureConsumerLag = async (
  admin: Admin,
  groups: readonly GroupOnTopic[],
): Promise<ConsumerLag[]> =>
  Promise.all(
    groups.map(async ({ group, topic }) =>
      summarizeLag(group, await consumerGroupLag(admin, group, [topic])),
    ),
  );
