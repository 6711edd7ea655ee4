import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type {
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';
import type { ReadModelCollections } from '../projection/projection-target';
import type {
  DerivedViewWrites,
  PlayerDetailsWrite,
  ReadModelStore,
} from '../store/read-model.store.port';
import { idempotentBulkWrite } from './idempotent-bulk-write';

/** Replaces the document only while its stored version is older (upsert: E11000 when newer). */
const replaceOlder = <D extends { _id: string; version: number }>(
  doc: D,
): AnyBulkWriteOperation<D> => ({
  replaceOne: {
    filter: { _id: doc._id, version: { $lt: doc.version } } as never,
    replacement: doc,
    upsert: true,
  },
});

/**
 * The read models in Mongo: one bulkWrite per collection per batch, every operation
 * version-guarded (see ReadModelWriter for the order of the writes).
 */
export class MongoReadModelStore implements ReadModelStore {
  private readonly playerDetails: Collection<PlayerDetailsDocument>;
  private readonly roomOccupancy: Collection<RoomOccupancyDocument>;
  private readonly leaderboard: Collection<LeaderboardDocument>;
  private readonly playerEvents: Collection<PlayerEventDocument>;

  constructor(db: Db, collections: ReadModelCollections) {
    this.playerDetails = db.collection(collections.playerDetails);
    this.roomOccupancy = db.collection(collections.roomOccupancy);
    this.leaderboard = db.collection(collections.leaderboard);
    this.playerEvents = db.collection(collections.playerEvents);
  }

  async loadPlayerDetails(playerIds: readonly string[]): Promise<PlayerDetailsDocument[]> {
    return this.playerDetails.find({ _id: { $in: [...playerIds] } }).toArray();
  }

  async writePlayerDetails(writes: readonly PlayerDetailsWrite[]): Promise<Set<string>> {
    // Compare-and-set: the filter names the exact version the fold started from (0 =
    // no document yet, and the upsert creates it). Any other stored version makes the
    // upsert collide on _id, which is how a stale base is detected.
    const operations = writes.map(
      ({ expectedVersion, doc }): AnyBulkWriteOperation<PlayerDetailsDocument> => ({
        replaceOne: {
          filter: { _id: doc._id, version: expectedVersion },
          replacement: doc,
          upsert: true,
        },
      }),
    );
    const refused = await idempotentBulkWrite(this.playerDetails, operations);
    return new Set(
      refused.map((index) => writes[index]?.doc._id).filter((id): id is string => id !== undefined),
    );
  }

  async writeDerivedViews(writes: DerivedViewWrites): Promise<void> {
    await Promise.all([
      writes.roomOccupancy.length > 0
        ? idempotentBulkWrite(this.roomOccupancy, writes.roomOccupancy.map(replaceOlder))
        : undefined,
      writes.leaderboard.length > 0
        ? idempotentBulkWrite(this.leaderboard, writes.leaderboard.map(replaceOlder))
        : undefined,
      // An event never changes, so "insert unless present" is its whole guard.
      writes.playerEvents.length > 0
        ? idempotentBulkWrite(
            this.playerEvents,
            writes.playerEvents.map((document): AnyBulkWriteOperation<PlayerEventDocument> => ({
              insertOne: { document },
            })),
          )
        : undefined,
    ]);
  }
}
