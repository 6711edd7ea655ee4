import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '@qf/shared-mongo';
import { COLLECTIONS } from '../collections';
import type { GuardedWrite } from '../outbox/outbox-writes';
import { OUTBOX_EPOCH } from '../outbox/outbox-writes';
import type { PlayerDocument } from './player-document';

/** A document with pending outbox entries, as the relay's sweep sees it. */
export interface PendingOutbox {
  readonly _id: string;
  readonly version: number;
  readonly outboxPending?: number;
  readonly outboxSince: Date;
}

export interface OutboxBacklog {
  readonly entries: number;
  readonly players: number;
  readonly oldest?: Date;
}

export const summarizeBacklog = (pending: readonly PendingOutbox[]): OutboxBacklog => {
  if (pending.length === 0) return { entries: 0, players: 0 };
  let entries = 0;
  let oldest = Infinity;
  for (const doc of pending) {
    entries += doc.outboxPending ?? 0;
    oldest = Math.min(oldest, new Date(doc.outboxSince).getTime());
  }
  return { entries, players: pending.length, oldest: new Date(oldest) };
};

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
      // The relay's sweep for pending outboxes: a plain index (no partial index on the
      // stand-in), the field exists only while the outbox has entries.
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

  /**
   * Every document with pending outbox entries, with what the relay's sweep needs. On a
   * server without secondary indexes this is a scan of the collection (it holds the
   * collection while it runs), so it is the relay's slow fallback, not its hot path.
   */
  pendingOutboxes(): Promise<PendingOutbox[]> {
    return this.collection
      .find<PendingOutbox>(
        { outboxSince: { $gte: OUTBOX_EPOCH } },
        { projection: { _id: 1, version: 1, outboxPending: 1, outboxSince: 1 } },
      )
      .toArray();
  }

  /** Pending outbox entries and players, and the oldest pending occurredAt. */
  async outboxBacklog(): Promise<OutboxBacklog> {
    return summarizeBacklog(await this.pendingOutboxes());
  }
}
