import type { Db } from 'mongodb';
import type { ReadModelCollections } from '../projection/projection-target';

/**
 * The secondary indexes of the read models (every collection also has its _id index):
 * - room_occupancy {roomId: 1, _id: 1}: GET /rooms/{roomId}/players, in player-id order;
 * - leaderboard {level: -1, xp: -1, _id: 1}: the top N without a sort in memory.
 *
 * player_events has none: its _id (`${playerId}:${version}`) makes each event unique and is
 * how the history reads find a player's events (`_id: {$in: [...]}`, see
 * ReadModelRepository.events), on real MongoDB as on the local server. An index on
 * {playerId, version}, which earlier versions kept, served no read and cost every event
 * an index insert; it is dropped where it exists.
 * createIndex is idempotent, so every replica calls this at start.
 */
export const ensureReadModelIndexes = async (
  db: Db,
  collections: ReadModelCollections,
): Promise<void> => {
  await Promise.all([
    db
      .collection(collections.roomOccupancy)
      .createIndex({ roomId: 1, _id: 1 }, { name: 'roomId_1__id_1' }),
    db
      .collection(collections.leaderboard)
      .createIndex({ level: -1, xp: -1, _id: 1 }, { name: 'level_-1_xp_-1__id_1' }),
    dropUnusedEventIndex(db, collections.playerEvents),
  ]);
};

/** The {playerId, version} index of player_events from earlier versions (unique or not). */
export const UNUSED_EVENT_INDEX = 'playerId_1_version_1';

const INDEX_NOT_FOUND = 27;
const NAMESPACE_NOT_FOUND = 26;

const dropUnusedEventIndex = async (db: Db, collection: string): Promise<void> => {
  const indexes = await db
    .collection(collection)
    .indexes()
    .catch(() => []);
  if (!indexes.some((index) => index.name === UNUSED_EVENT_INDEX)) return;
  await db
    .collection(collection)
    .dropIndex(UNUSED_EVENT_INDEX)
    .catch((error: unknown) => {
      // Another replica dropped it (or the collection) first.
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== INDEX_NOT_FOUND && code !== NAMESPACE_NOT_FOUND) throw error;
    });
};
