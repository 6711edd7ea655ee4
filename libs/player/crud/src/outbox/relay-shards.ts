import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import { onlyDuplicateKeyErrors } from '../audit/audit-log';
import { COLLECTIONS } from '../collections';
import type { PlayerDocument } from '../document/player-document';

/**
 * Which outboxes a relay may publish: the `players` key space cut into SHARD_COUNT ranges
 * of `_id` (by its first character; player ids are UUIDs, and any other id still falls in
 * exactly one range), each held by one relay at a time under a lease in
 * `outbox_relay_leases`. Holding a shard replaces the per-document claim: a round is a
 * read and a release, not a read, a claim and a release. Relays also keep a heartbeat
 * document there, so each takes its fair share (shards ÷ live relays) and sheds the rest.
 */
export const SHARD_COUNT = 16;
const BOUNDS = '0123456789abcdef';

interface LeaseDocument {
  readonly _id: string;
  readonly owner?: string;
  readonly until: Date;
}

const shardId = (shard: number) => `shard:${shard.toString().padStart(2, '0')}`;
const shardOf = (id: string): number => Number(id.slice('shard:'.length));
const HEARTBEAT = 'relay:';

/** The `_id` range of a run of shards [from, to]: from the first one's bound to the next one's. */
const rangeOf = (from: number, to: number): Filter<PlayerDocument> => {
  const lo = from === 0 ? undefined : BOUNDS[from];
  const hi = to === SHARD_COUNT - 1 ? undefined : BOUNDS[to + 1];
  return {
    _id: { ...(lo === undefined ? {} : { $gte: lo }), ...(hi === undefined ? {} : { $lt: hi }) },
  } as Filter<PlayerDocument>;
};

/** The shard a player id belongs to (the range its first character falls in). */
export const shardOfPlayer = (playerId: string): number => {
  let shard = 0;
  for (let i = 1; i < SHARD_COUNT; i += 1) if (playerId >= BOUNDS[i]!) shard = i;
  return shard;
};

/**
 * A filter on `_id` selecting exactly the players of these shards (empty object: all of
 * them; null: none). Adjacent shards merge into one range.
 */
export const shardFilter = (shards: readonly number[]): Filter<PlayerDocument> | null => {
  const sorted = [...new Set(shards)].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  if (sorted.length === SHARD_COUNT) return {};
  const ranges: Filter<PlayerDocument>[] = [];
  let start = sorted[0]!;
  let previous = start;
  for (const shard of [...sorted.slice(1), Infinity]) {
    if (shard === previous + 1) {
      previous = shard;
      continue;
    }
    ranges.push(rangeOf(start, previous));
    start = shard;
    previous = shard;
  }
  return ranges.length === 1 ? ranges[0]! : { $or: ranges };
};

/** A relay's leases on shards: acquired, renewed and shed by refresh(), read by owned(). */
export class RelayShards {
  private readonly collection: Collection<LeaseDocument>;
  private held = new Map<number, Date>();
  private prepared = false;

  constructor(
    db: Db,
    readonly owner: string,
    private readonly leaseMs: number,
  ) {
    this.collection = db.collection<LeaseDocument>(COLLECTIONS.relayLeases);
  }

  /**
   * The shards this relay may publish now: leases still valid for a third of their term,
   * so a relay whose renewals fail stops before another may take over.
   */
  owned(now = new Date()): number[] {
    const margin = this.leaseMs / 3;
    return [...this.held]
      .filter(([, until]) => until.getTime() - margin > now.getTime())
      .map(([shard]) => shard);
  }

  /** One renewal: heartbeat, keep up to the fair share, shed the rest, take free shards. */
  async refresh(now = new Date()): Promise<number[]> {
    if (!this.prepared) await this.prepare();
    const until = new Date(now.getTime() + this.leaseMs);
    await this.collection.updateOne(
      { _id: `${HEARTBEAT}${this.owner}` },
      { $set: { until } },
      { upsert: true },
    );
    const all = await this.collection.find({}).toArray();
    const live = all.filter(
      (doc) =>
        doc._id.startsWith(HEARTBEAT) && doc._id !== `${HEARTBEAT}${this.owner}` && doc.until > now,
    ).length;
    const fair = Math.ceil(SHARD_COUNT / (live + 1));
    const shards = all.filter((doc) => doc._id.startsWith('shard:'));
    const mine = shards.filter((doc) => doc.owner === this.owner && doc.until > now);
    const keep = mine.slice(0, fair);
    const shed = mine.slice(fair);
    const free = shards.filter((doc) => doc.until <= now).slice(0, Math.max(0, fair - keep.length));
    const token = randomUUID();
    // Heartbeats of relays gone for a whole lease term are removed.
    const gone = all
      .filter(
        (doc) =>
          doc._id.startsWith(HEARTBEAT) && doc.until.getTime() + this.leaseMs < now.getTime(),
      )
      .map((doc) => doc._id);
    const writes = [
      ...(gone.length === 0 ? [] : [{ deleteMany: { filter: { _id: { $in: gone } } } }]),
      ...keep.map((doc) => ({
        updateOne: {
          filter: { _id: doc._id, owner: this.owner },
          update: { $set: { until, token } },
        },
      })),
      ...shed.map((doc) => ({
        updateOne: {
          filter: { _id: doc._id, owner: this.owner },
          update: { $set: { until: new Date(0) } },
        },
      })),
      ...free.map((doc) => ({
        updateOne: {
          filter: { _id: doc._id, until: { $lte: now } },
          update: { $set: { owner: this.owner, until, token } },
        },
      })),
    ];
    if (writes.length > 0) await this.collection.bulkWrite(writes, { ordered: false });
    // Which of them this relay holds now (a renewal or a take-over may have lost a race).
    const held = await this.collection
      .find({
        _id: { $in: [...keep, ...free].map((doc) => doc._id) },
        owner: this.owner,
        token,
      } as Filter<LeaseDocument>)
      .toArray();
    this.held = new Map(held.map((doc) => [shardOf(doc._id), doc.until]));
    return this.owned(now);
  }

  /** Gives every shard back and removes the heartbeat, so the others take over at once. */
  async release(): Promise<void> {
    await this.collection.updateMany(
      { _id: { $in: [...this.held.keys()].map(shardId) }, owner: this.owner },
      { $set: { until: new Date(0) } },
    );
    await this.collection.deleteOne({ _id: `${HEARTBEAT}${this.owner}` });
    this.held.clear();
  }

  /** The shard documents exist (free) before anyone competes for them. */
  private async prepare(): Promise<void> {
    const created = this.collection.bulkWrite(
      Array.from({ length: SHARD_COUNT }, (_, shard) => ({
        updateOne: {
          filter: { _id: shardId(shard) },
          update: { $setOnInsert: { until: new Date(0) } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    // Another relay created some at the same moment.
    await created.catch((error: unknown) => {
      if (!onlyDuplicateKeyErrors(error)) throw error;
    });
    this.prepared = true;
  }
}
