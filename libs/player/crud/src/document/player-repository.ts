import type { Collection, Db, Filter } from 'mongodb';
import { isDuplicateKeyError } from '@qf/shared-mongo';
import { COLLECTIONS } from '../collections';
import {
  OUTBOX_EPOCH,
  PENDING_OUTBOX_PROJECTION,
  pendingFilter,
  type GuardedWrite,
  type PendingOutboxDocument,
} from '../outbox/outbox-writes';
import type { PlayerDocument } from './player-document';
import { RequestBatcher } from './request-batcher';

/** How to tell afterwards whether a guarded write applied: the version it wrote, by which command. */
export interface WriteMark {
  readonly version: number;
  readonly commandId: string;
}

interface MarkedWrite {
  readonly write: GuardedWrite;
  readonly mark: WriteMark;
}

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

/**
 * The `players` collection: whole-document reads, inserts and version-guarded writes.
 * Reads by id and guarded writes of concurrent commands are sent together
 * (RequestBatcher): one `find {_id: {$in}}`, one unordered bulk of updates.
 */
export class PlayerRepository {
  readonly collection: Collection<PlayerDocument>;
  private readonly loads: RequestBatcher<string, PlayerDocument | null>;
  private readonly writes: RequestBatcher<MarkedWrite, boolean>;

  constructor(readonly db: Db) {
    this.collection = db.collection<PlayerDocument>(COLLECTIONS.players);
    this.loads = new RequestBatcher((ids) => this.loadMany(ids));
    this.writes = new RequestBatcher((writes) => this.writeMany(writes));
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
    return this.loads.submit(playerId);
  }

  private async loadMany(ids: readonly string[]): Promise<Array<PlayerDocument | null>> {
    if (ids.length === 1) return [await this.collection.findOne({ _id: ids[0]! })];
    const docs = await this.collection.find({ _id: { $in: [...new Set(ids)] } }).toArray();
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    // Callers only read what they get, so one id asked twice may share its document.
    return ids.map((id) => byId.get(id) ?? null);
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

  /**
   * Applies a guarded write; false when its filter matched nothing (the version moved).
   * `mark` tells, when it was sent with others and not all of them matched, whether this
   * one did: the document then holds the marked version or a later one, and the command
   * among its recent ones.
   */
  write(write: GuardedWrite, mark: WriteMark): Promise<boolean> {
    return this.writes.submit({ write, mark });
  }

  private async writeMany(writes: readonly MarkedWrite[]): Promise<boolean[]> {
    if (writes.length === 1) {
      const { filter, update } = writes[0]!.write;
      return [(await this.collection.updateOne(filter, update)).matchedCount === 1];
    }
    const result = await this.collection.bulkWrite(
      writes.map(({ write }) => ({ updateOne: { filter: write.filter, update: write.update } })),
      { ordered: false },
    );
    if (result.matchedCount === writes.length) return writes.map(() => true);
    // Some lost their race (a bulk answers only how many matched): the documents tell which.
    const ids = writes.map(({ write }) => write.filter._id as string);
    const docs = await this.collection
      .find({ _id: { $in: [...new Set(ids)] } }, { projection: { version: 1, recent: 1 } })
      .toArray();
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    return writes.map(({ mark }, index) => {
      const doc = byId.get(ids[index]!);
      return (
        doc !== undefined &&
        doc.version >= mark.version &&
        (doc.recent ?? []).some((entry) => entry.commandId === mark.commandId)
      );
    });
  }

  /**
   * The oldest outboxes with pending entries among the players `shards` selects (a filter
   * on _id, relay-shards.ts), entries included (the relay's round).
   */
  pendingOutboxesOf(
    shards: Filter<PlayerDocument>,
    limit: number,
  ): Promise<PendingOutboxDocument[]> {
    return this.collection
      .find<PendingOutboxDocument>(
        { ...pendingFilter(), ...shards },
        { projection: PENDING_OUTBOX_PROJECTION },
      )
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
