import type { Admin, Kafka } from 'kafkajs';
import { decodeSnapshot } from '@qf/player-es-write';
import { readPartitionToEnd } from '@qf/shared-kafka';

/**
 * The version of each player's latest snapshot, read from the compacted snapshots topic:
 * the command processor restores a player from it plus the events after it, so events at
 * or below it are not needed to decide anything.
 */
export const latestSnapshotVersions = async (
  kafka: Kafka,
  admin: Admin,
  snapshotsTopic: string,
): Promise<Map<string, number>> => {
  const versions = new Map<string, number>();
  if (!(await admin.listTopics()).includes(snapshotsTopic)) return versions;
  const partitions = await admin.fetchTopicOffsets(snapshotsTopic);
  for (const { partition } of partitions) {
    await readPartitionToEnd(
      kafka,
      admin,
      snapshotsTopic,
      partition,
      (message) => {
        const key = message.key?.toString('utf8');
        if (!key) return;
        if (message.value === null) {
          versions.delete(key);
          return;
        }
        try {
          versions.set(key, decodeSnapshot(message.value).state.version);
        } catch {
          // A snapshot this build cannot read covers nothing.
        }
      },
      { groupPrefix: 'qf-archive-snapshots' },
    );
  }
  return versions;
};
