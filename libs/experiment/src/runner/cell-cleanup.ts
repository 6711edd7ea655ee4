import type { Admin } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { cacheKeyPrefix } from '@qf/player-read-model';
import { createRedis } from '@qf/shared-redis';

/**
 * Removes what a cell left behind once its fleet is down: its topics, consumer groups,
 * database and cached player views, so runs do not fill the machine's disk. Best effort:
 * returns what could not be removed.
 */
export const removeCellData = async (
  admin: Admin,
  mongo: MongoClient,
  topicPrefix: string,
  database: string,
): Promise<string[]> => {
  const problems: string[] = [];
  const attempt = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await attempt('consumer groups', async () => {
    const groups = (await admin.listGroups()).groups
      .map((group) => group.groupId)
      .filter((group) => group.startsWith(topicPrefix));
    if (groups.length > 0) await admin.deleteGroups(groups);
  });
  await attempt('topics', async () => {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(topicPrefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 30_000 });
  });
  await attempt('database', () => mongo.db(database).dropDatabase());
  await attempt('cache', async () => {
    const redis = createRedis({ lazyConnect: true });
    try {
      await redis.connect();
      const pattern = `${cacheKeyPrefix(database)}*`;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  });
  return problems;
};
