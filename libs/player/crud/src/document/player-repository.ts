import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '@qf/shared-mongo';
import { COLLECTIONS } from '../collections';
import {
  claimableFilter,
  OUTBOX_EPOCH,
  PENDING_OUTBOX_PROJECTION,
  type GuardedWrite,
  type PendingOutboxDocument,
} from '../outbox/outbox-writes';
import type { PlayerDocument } from './player-document';

const OUTBOX_INDEX = 'outboxSince_1';
const INDEX_NOT_FOUND = 27;

/** A document with pending outbox entries, as the backlog gauges see it. */
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
    await this.dropDenseOutboxIndex();
    await this.collection.createIndexes([
      { key: { roomId: 1 }, name: 'roomId_1' },
      { key: { level: -1, xp: -1 }, name: 'level_-1_xp_-1' },
      // How the relay finds pending outboxes: outboxSince exists only while entries are
      // pending, so a sparse index holds just those documents (on real MongoDB as on the
      // local server; a partial index would say the same, but the local server ignores
      // partial filters).
      { key: { outboxSince: 1 }, name: OUTBOX_INDEX, sparse: true },
    ]);
  }

  /** Earlier versions made the outbox index dense (one entry per player): replace it. */
  private async dropDenseOutboxIndex(): Promise<void> {
    const existing = await this.collection.indexes().catch(() => []);
    const dense = existing.find((index) => index.name === OUTBOX_INDEX && !index['sparse']);
    if (!dense) return;
    await this.collection.dropIndex(OUTBOX_INDEX).catch((error: unknown) => {
      // Another replica dropped it first.
      if ((error as { code?: unknown }).code !== INDEX_NOT_FOUND) throw error;
    });
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

  /** The oldest outboxes with pending entries and no live lease, entries included (the relay's round). */
  claimableOutboxes(now: Date, limit: number): Promise<PendingOutboxDocument[]> {
    return this.collection
      .find<PendingOutboxDocument>(claimableFilter(now), { projection: PENDING_OUTBOX_PROJECTION })
      .sort({ outboxSince: 1 })
      .limit(limit)
      .toArray();
  }

  /** Every document with pending outbox entries, without the entries (the backlog gauges). */
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
