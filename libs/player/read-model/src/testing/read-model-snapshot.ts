import type { Db } from 'mongodb';
import type { ReadModelCollections } from '../projection/projection-target';

/** Every document of the four read models, sorted by _id: compare with expectedReadModels(log). */
export const readModelSnapshot = async (db: Db, collections: ReadModelCollections) => {
  const all = (name: string) =>
    db.collection<{ _id: string }>(name).find({}).sort({ _id: 1 }).toArray();
  const [playerDetails, roomOccupancy, leaderboard, playerEvents] = await Promise.all([
    all(collections.playerDetails),
    all(collections.roomOccupancy),
    all(collections.leaderboard),
    all(collections.playerEvents),
  ]);
  // The server's _id order may differ from JavaScript's; expectedReadModels sorts with localeCompare.
  const sorted = <T extends { _id: string }>(docs: T[]) =>
    docs.sort((a, b) => a._id.localeCompare(b._id));
  return {
    playerDetails: sorted(playerDetails),
    roomOccupancy: sorted(roomOccupancy),
    leaderboard: sorted(leaderboard),
    playerEvents: sorted(playerEvents),
  };
};
