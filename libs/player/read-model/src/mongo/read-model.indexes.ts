import type { Db } from 'mongodb';
import type { ReadModelCollections } from '../projection/projection-target';

/**
 * The secondary indexes of the read models (every collection also has its _id index):
 * - room_occupancy {roomId: 1, _id: 1}: GET /rooms/{roomId}/players, in player-id order;
 * - leaderboard {level: -1, xp: -1, _id: 1}: the top N without a sort in memory;
 * - player_events {playerId: 1, version: 1}: a player's events in version order (the _id,
 *   `${playerId}:${version}`, already makes each event unique, so no unique index is kept:
 *   on a server that maintains unique indexes only, it would cost every insert and serve no read).
 * createIndex is idempotent, so every replica calls this at start; an index created unique by
 * an earlier version is left as it is.
 */
export const ensureReadModelIndexes = async (db: Db, collections: ReadModelCollections): Promise<void> => {
  await Promise.all([
    db.collection(collections.roomOccupancy).createIndex({ roomId: 1, _id: 1 }, { name: 'roomId_1__id_1' }),
    db.collection(collections.leaderboard).createIndex({ level: -1, xp: -1, _id: 1 }, { name: 'level_-1_xp_-1__id_1' }),
    db
      .collection(collections.playerEvents)
      .createIndex({ playerId: 1, version: 1 }, { name: 'playerId_1_version_1' })
      .catch(keepExistingIndex),
  ]);
};

const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;

/** The same keys are already indexed with other options (unique, from an earlier version): keep it. */
const keepExistingIndex = (error: unknown): void => {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== INDEX_OPTIONS_CONFLICT && code !== INDEX_KEY_SPECS_CONFLICT) throw error;
};
