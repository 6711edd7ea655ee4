import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '@qf/shared-mongo';
import { COLLECTIONS } from '../collections';
import type { GuardedWrite } from '../outbox/outbox-writes';
import { OUTBOX_EPOCH } from '../outbox/outbox-writes';
import type { PlayerDocument } from './player-document';

/** The `players` collection: whole-document reads, inserts and version-guarded writes. */
export class PlayerRepository {
  readonly collection: Collection<PlayerDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PlayerDocument>(COLLECTIONS.players);
  }

  /** The indexes reads and the relay rely on (idempotent: safe for every replica at start). */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { roomId: 1 }, name: 'roomId_1' },
      { key: { level: -1, xp: -1 }, name: 'level_-1_xp_-1' },
      // The relay's pending set: a plain index (no partial index on the stand-in), the
      // field exists only while the outbox has entries.
      { key: { outboxSince: 1 }, name: 'outboxSince_1' },
    ]);
  }

  load(playerId: string): Promise<PlayerDocument | null> {
    return this.collection.findOne({ _id: playerId });
  }

  /** Inserts a new player; false when the id is taken (the caller re-reads and decides again). */
  async insert(doc: PlayerDocument): Promise<boolean> {
    try {
      await this.collection.insertOne(doc as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Applies a guarded write; false when its filter matched nothing (the version moved). */
  async write({ filter, update }: GuardedWrite): Promise<boolean> {
    const result = await this.collection.updateOne(filter, update);
    return result.matchedCount === 1;
  }

  /** Pending outbox entries and players, and the oldest pending occurredAt. */
  async outboxBacklog(): Promise<{ entries: number; players: number; oldest?: Date }> {
    const [row] = await this.collection
      .aggregate<{ entries: number; players: number; oldest: Date | null }>([
        { $match: { outboxSince: { $gte: OUTBOX_EPOCH } } },
        {
          $group: {
            _id: null,
            entries: { $sum: '$outboxPending' },
            players: { $sum: 1 },
            oldest: { $min: '$outboxSince' },
          },
        },
      ])
      .toArray();
    if (!row) return { entries: 0, players: 0 };
    return {
      entries: row.entries,
      players: row.players,
      ...(row.oldest ? { oldest: new Date(row.oldest) } : {}),
    };
  }
}
