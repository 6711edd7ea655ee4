import type { Db } from 'mongodb';
import type { ReplayPlan } from '../plan/replay-plan';
import {
  canAdvance,
  type PartitionOffset,
  type ReplayMode,
  type ReplayStateDocument,
  type ReplayStatus,
} from './replay-state';

/** One document per rebuild, in the database of the views it rebuilds. */
export const REPLAYS_COLLECTION = 'view_replays';

const UNFINISHED: ReplayStatus[] = ['building', 'caught-up', 'switched'];

/** A status change refused because another run moved the replay on first. */
export class ReplayStateConflictError extends Error {
  readonly code = 'REPLAY.STATE_CONFLICT';
  readonly retriable = false;
}

/**
 * The replay state documents. Every status change is a single-document update guarded
 * by the statuses it may follow, so two runs of the same replay cannot both move it.
 */
export class ReplayStateStore {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<ReplayStateDocument>(REPLAYS_COLLECTION);
  }

  async unfinished(): Promise<ReplayStateDocument[]> {
    return this.collection
      .find({ status: { $in: UNFINISHED } })
      .sort({ startedAt: 1 })
      .toArray();
  }

  async get(id: string): Promise<ReplayStateDocument | null> {
    return this.collection.findOne({ _id: id });
  }

  /** Every generation any replay of this database planned (finished or not). */
  async versionsInUse(): Promise<number[]> {
    const docs = await this.collection.find({}, { projection: { version: 1 } }).toArray();
    return docs.map((doc) => doc.version);
  }

  /** Records a new rebuild; resolves to the stored document (an existing one with the same id wins). */
  async create(
    plan: ReplayPlan,
    mode: ReplayMode,
    targetEnd: readonly PartitionOffset[],
    now = new Date(),
  ): Promise<ReplayStateDocument> {
    const doc: ReplayStateDocument = {
      ...plan,
      _id: plan.id,
      mode,
      status: 'building',
      targetEnd: [...targetEnd],
      runs: 1,
      startedAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    const result = await this.collection.updateOne(
      { _id: plan.id },
      { $setOnInsert: doc },
      { upsert: true },
    );
    if (result.upsertedCount === 1) return doc;
    const existing = await this.get(plan.id);
    if (!existing)
      throw new ReplayStateConflictError(`replay ${plan.id} vanished while it was being created`);
    return existing;
  }

  /** Counts one more run of an unfinished replay (a resume). */
  async countRun(id: string, now = new Date()): Promise<void> {
    await this.collection.updateOne(
      { _id: id },
      { $inc: { runs: 1 }, $set: { updatedAt: now.toISOString() } },
    );
  }

  /** Records which collections served before the switch; kept when already recorded (a rerun after a half-done switch). */
  async recordPrevious(
    id: string,
    previous: Readonly<Record<string, string>>,
    now = new Date(),
  ): Promise<ReplayStateDocument> {
    await this.collection.updateOne(
      { _id: id, previous: { $exists: false } },
      { $set: { previous, updatedAt: now.toISOString() } },
    );
    const doc = await this.get(id);
    if (!doc) throw new ReplayStateConflictError(`replay ${id} is gone`);
    return doc;
  }

  /** Sets fields that do not change the status. */
  async mark(
    id: string,
    fields: Partial<ReplayStateDocument>,
    now = new Date(),
  ): Promise<ReplayStateDocument> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: id },
      { $set: { ...fields, updatedAt: now.toISOString() } },
      { returnDocument: 'after' },
    );
    if (!doc) throw new ReplayStateConflictError(`replay ${id} is gone`);
    return doc;
  }

  /** Moves the replay to status (forward only), with the fields that go with it. */
  async advance(
    id: string,
    status: ReplayStatus,
    fields: Partial<ReplayStateDocument> = {},
    now = new Date(),
  ): Promise<ReplayStateDocument> {
    const from = (
      ['building', 'caught-up', 'switched', 'dropped', 'done', 'abandoned'] as ReplayStatus[]
    ).filter((current) => canAdvance(current, status));
    const result = await this.collection.findOneAndUpdate(
      { _id: id, status: { $in: from } },
      { $set: { ...fields, status, updatedAt: now.toISOString() } },
      { returnDocument: 'after' },
    );
    if (!result) {
      const current = await this.get(id);
      if (current?.status === status) return current;
      throw new ReplayStateConflictError(
        `replay ${id} cannot go to ${status}: it is ${current?.status ?? 'gone'}`,
      );
    }
    return result;
  }
}
