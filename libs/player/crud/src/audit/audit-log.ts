import type { Collection, Db } from 'mongodb';
import {
  upcastPlayerEvent,
  type EventMetadata,
  type PlayerEvent,
  type Upcast,
} from '@qf/player-domain';
import { isDuplicateKeyError } from '@qf/shared-mongo';
import { COLLECTIONS } from '../collections';

/** One audit event in `audit_log`; _id = eventId, so a redelivered event cannot be stored twice. */
export interface AuditLogDocument {
  readonly _id: string;
  readonly playerId: string;
  readonly version: number;
  readonly type: string;
  /** metadata.occurredAt as a Date, for the {playerId, occurredAt} index and "state at time". */
  readonly occurredAt: Date;
  readonly data: unknown;
  readonly metadata: EventMetadata;
  /** When the audit consumer stored it: occurredAt -> auditedAt is the audit lag. */
  readonly auditedAt: Date;
  /**
   * `${playerId}:${version}` (auditKey), under a unique index: one entry per change, and
   * the key history reads look entries up by. A server that serves secondary indexes
   * only for exact-key filters (mongo-java-server) answers `{playerVersion: {$in}}`
   * from the index; `{playerId, version: {$gte}}` would scan the whole audit log.
   */
  readonly playerVersion: string;
}

/** The audit_log key of a player's version (unambiguous: the version has no ':'). */
export const auditKey = (playerId: string, version: number): string => `${playerId}:${version}`;

/** Indexes of audit_log that earlier versions created and no read uses. */
export const UNUSED_AUDIT_INDEXES = ['playerId_1_version_1', 'playerId_1_occurredAt_1'] as const;

const INDEX_NOT_FOUND = 27;

const dropIndexesIfPresent = async (
  collection: Collection<AuditLogDocument>,
  names: readonly string[],
): Promise<void> => {
  const present = new Set((await collection.indexes().catch(() => [])).map((index) => index.name));
  for (const name of names.filter((candidate) => present.has(candidate))) {
    await collection.dropIndex(name).catch((error: unknown) => {
      // Another replica dropped it first.
      if ((error as { code?: unknown }).code !== INDEX_NOT_FOUND) throw error;
    });
  }
};

/** Keys at most this many to one query. */
const KEYS_PER_QUERY = 1000;

const versionsBetween = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

export const auditDocumentFor = (event: PlayerEvent, auditedAt: Date): AuditLogDocument => ({
  _id: event.metadata.eventId,
  playerId: event.metadata.aggregateId,
  version: event.metadata.version,
  type: event.type,
  occurredAt: new Date(event.metadata.occurredAt),
  data: event.data,
  metadata: event.metadata,
  auditedAt,
  playerVersion: auditKey(event.metadata.aggregateId, event.metadata.version),
});

export const eventFromAuditDocument = (
  doc: AuditLogDocument,
  upcast: Upcast = upcastPlayerEvent,
): PlayerEvent => upcast({ type: doc.type, data: doc.data, metadata: doc.metadata });

interface WriteErrorLike {
  readonly code?: unknown;
}

/**
 * Whether a failed (unordered) bulk insert failed only on duplicate keys: the events
 * were stored by an earlier delivery. The driver gives writeErrors as an array or one
 * object; a server that answers a plain E11000 error counts too.
 */
export const onlyDuplicateKeyErrors = (error: unknown): boolean => {
  if (typeof error !== 'object' || error === null) return false;
  const { writeErrors, writeConcernErrors } = error as {
    writeErrors?: WriteErrorLike | WriteErrorLike[];
    writeConcernErrors?: unknown[];
  };
  if (Array.isArray(writeConcernErrors) && writeConcernErrors.length > 0) return false;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length > 0) return list.every((writeError) => writeError.code === 11000);
  return isDuplicateKeyError(error);
};

const duplicateCount = (error: unknown): number => {
  const { writeErrors } = error as { writeErrors?: unknown };
  return Array.isArray(writeErrors) ? writeErrors.length : 1;
};

/** The longest run of events with versions 1, 2, 3 … : what can be folded without a gap. */
export const gaplessPrefix = (events: readonly PlayerEvent[]): PlayerEvent[] => {
  const prefix: PlayerEvent[] = [];
  for (const event of events) {
    if (event.metadata.version !== prefix.length + 1) break;
    prefix.push(event);
  }
  return prefix;
};

/**
 * Where the audit log lives: a fixed collection name, or one looked up per operation
 * (followAuditLogAlias: the alias a `qf replay audit_log` switches to a rebuilt generation).
 */
export type AuditLogCollection = string | (() => Promise<string>);

/** The `audit_log` collection: idempotent batch inserts, and the reads history queries need. */
export class AuditLog {
  /** The collection of a fixed name (the default `audit_log` when following an alias). */
  readonly collection: Collection<AuditLogDocument>;

  constructor(
    private readonly db: Db,
    private readonly source: AuditLogCollection = COLLECTIONS.auditLog,
  ) {
    this.collection = db.collection<AuditLogDocument>(
      typeof source === 'string' ? source : COLLECTIONS.auditLog,
    );
  }

  private async current(): Promise<Collection<AuditLogDocument>> {
    return typeof this.source === 'string'
      ? this.collection
      : this.db.collection<AuditLogDocument>(await this.source());
  }

  /**
   * One secondary index: the unique playerVersion key, which keeps one entry per change and
   * is how history and state-at reads find entries (by key, up to the player's current
   * version). Earlier versions also kept {playerId, version} and {playerId, occurredAt}; no
   * read of the service used them and every audit event paid two index inserts for them,
   * so they are dropped where they exist.
   */
  async ensureIndexes(): Promise<void> {
    const collection = await this.current();
    await collection.createIndexes([
      // Sparse: entries stored before the key existed have none until the backfill below.
      { key: { playerVersion: 1 }, name: 'playerVersion_1', unique: true, sparse: true },
    ]);
    await dropIndexesIfPresent(collection, UNUSED_AUDIT_INDEXES);
    await this.backfillKeys(collection);
  }

  /** Gives entries stored before playerVersion existed their key (one scan, at start). */
  private async backfillKeys(collection: Collection<AuditLogDocument>): Promise<void> {
    const old = await collection
      .find(
        { playerVersion: { $exists: false } },
        { projection: { _id: 1, playerId: 1, version: 1 } },
      )
      .toArray();
    for (let i = 0; i < old.length; i += KEYS_PER_QUERY) {
      await collection.bulkWrite(
        old.slice(i, i + KEYS_PER_QUERY).map((doc) => ({
          updateOne: {
            filter: { _id: doc._id },
            update: { $set: { playerVersion: auditKey(doc.playerId, doc.version) } },
          },
        })),
        { ordered: false },
      );
    }
  }

  /**
   * Stores docs, ignoring the ones already there. Unordered, so one duplicate does not
   * stop the rest; and because Mongo-wire servers differ on whether an unordered insert
   * goes on after an error, a duplicate-only failure is followed by a check of which ids
   * are present and a second insert of the missing ones.
   */
  async insertIdempotent(docs: readonly AuditLogDocument[]): Promise<{ duplicates: number }> {
    const collection = await this.current();
    let pending = [...docs];
    let duplicates = 0;
    for (let round = 1; pending.length > 0; round += 1) {
      try {
        await collection.insertMany(pending, { ordered: false });
        break;
      } catch (error) {
        if (!onlyDuplicateKeyErrors(error) || round >= 5) throw error;
        if (round === 1) duplicates = duplicateCount(error);
      }
      // Present by event id, or by player version (the same change stored before).
      const present = await collection
        .find(
          { playerVersion: { $in: pending.map((doc) => doc.playerVersion) } },
          { projection: { _id: 1, playerVersion: 1 } },
        )
        .toArray();
      const ids = new Set(present.map((doc) => doc._id));
      const keys = new Set(present.map((doc) => doc.playerVersion));
      pending = pending.filter((doc) => !ids.has(doc._id) && !keys.has(doc.playerVersion));
    }
    return { duplicates };
  }

  /** Stored events by event id (any order; missing ones left out): a retried command's first outcome. */
  async eventsByIds(ids: readonly string[]): Promise<PlayerEvent[]> {
    if (ids.length === 0) return [];
    const collection = await this.current();
    const docs = await collection.find({ _id: { $in: [...ids] } }).toArray();
    return docs.map((doc) => eventFromAuditDocument(doc));
  }

  /** The entries of these versions of playerId, by key (any order; missing ones left out). */
  private async byVersions(
    collection: Collection<AuditLogDocument>,
    playerId: string,
    versions: readonly number[],
  ): Promise<AuditLogDocument[]> {
    const docs: AuditLogDocument[] = [];
    for (let i = 0; i < versions.length; i += KEYS_PER_QUERY) {
      const keys = versions.slice(i, i + KEYS_PER_QUERY).map((v) => auditKey(playerId, v));
      docs.push(...(await collection.find({ playerVersion: { $in: keys } }).toArray()));
    }
    return docs;
  }

  /**
   * Events of playerId from fromVersion on, in version order, at most limit. With
   * upToVersion (the player's current version; the service always has it) the entries are
   * looked up by key; without it, by a filter on playerId, which no index serves (a scan
   * of the log: kept for tools and tests, not for the service's reads).
   */
  async history(
    playerId: string,
    fromVersion: number,
    limit: number,
    upToVersion?: number,
  ): Promise<PlayerEvent[]> {
    const collection = await this.current();
    if (upToVersion === undefined) {
      const docs = await collection
        .find({ playerId, version: { $gte: fromVersion } })
        .sort({ version: 1 })
        .limit(limit)
        .toArray();
      return docs.map((doc) => eventFromAuditDocument(doc));
    }
    const found: AuditLogDocument[] = [];
    // Versions not audited yet leave holes; look further until limit or upToVersion.
    for (let from = Math.max(1, fromVersion); found.length < limit && from <= upToVersion;) {
      const to = Math.min(upToVersion, from + (limit - found.length) - 1);
      found.push(...(await this.byVersions(collection, playerId, versionsBetween(from, to))));
      from = to + 1;
    }
    return found
      .sort((a, b) => a.version - b.version)
      .slice(0, limit)
      .map((doc) => eventFromAuditDocument(doc));
  }

  /**
   * Events of playerId up to a version or a time (inclusive), in version order. With
   * upToVersion (the player's current version) looked up by key, else by a scan (see history).
   */
  async eventsUpTo(
    playerId: string,
    asOf: { version: number } | { at: string },
    upToVersion?: number,
  ): Promise<PlayerEvent[]> {
    const collection = await this.current();
    if (upToVersion === undefined) {
      const bound =
        'version' in asOf
          ? { version: { $lte: asOf.version } }
          : { occurredAt: { $lte: new Date(asOf.at) } };
      const docs = await collection
        .find({ playerId, ...bound })
        .sort({ version: 1 })
        .toArray();
      return docs.map((doc) => eventFromAuditDocument(doc));
    }
    const last = 'version' in asOf ? Math.min(asOf.version, upToVersion) : upToVersion;
    const at = 'at' in asOf ? new Date(asOf.at).getTime() : Infinity;
    const docs = await this.byVersions(collection, playerId, versionsBetween(1, last));
    return docs
      .filter((doc) => new Date(doc.occurredAt).getTime() <= at)
      .sort((a, b) => a.version - b.version)
      .map((doc) => eventFromAuditDocument(doc));
  }
}
