import type { Db } from 'mongodb';
import type { ReadModelCollections } from '../projection/projection-target';

/**
 * The secondary indexes of the read models (every collection also has its _id index):
 * - room_occupancy {roomId: 1, _id: 1}: GET /rooms/{roomId}/players, in player-id order;
 * - leaderboard {level: -1, xp: -1, _id: 1}: the top N without a sort in memory;
 * - player_events {playerId: 1, version: 1} (unique): history and time travel in version order.
 * createIndex is idempotent, so every replica calls this at start.
 */
export const ensureReadModelIndexes = async (db: Db, collections: ReadModelCollections): Promise<void> => {
  await Promise.all([
    db.collection(collections.roomOccupancy).createIndex({ roomId: 1, _id: 1 }, { name: 'roomId_1__id_1' }),
    db.collection(collections.leaderboard).createIndex({ level: -1, xp: -1, _id: 1 }, { name: 'level_-1_xp_-1__id_1' }),
    db.collection(collections.playerEvents).createIndex({ playerId: 1, version: 1 }, { name: 'playerId_1_version_1', unique: true }),
  ]);
};
