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
}

export const auditDocumentFor = (event: PlayerEvent, auditedAt: Date): AuditLogDocument => ({
  _id: event.metadata.eventId,
  playerId: event.metadata.aggregateId,
  version: event.metadata.version,
  type: event.type,
  occurredAt: new Date(event.metadata.occurredAt),
  data: event.data,
  metadata: event.metadata,
  auditedAt,
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

  async ensureIndexes(): Promise<void> {
    await (
      await this.current()
    ).createIndexes([
      { key: { playerId: 1, version: 1 }, name: 'playerId_1_version_1' },
      { key: { playerId: 1, occurredAt: 1 }, name: 'playerId_1_occurredAt_1' },
    ]);
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
      const ids = pending.map((doc) => doc._id);
      const present = await collection
        .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
        .toArray();
      const stored = new Set(present.map((doc) => doc._id));
      pending = pending.filter((doc) => !stored.has(doc._id));
    }
    return { duplicates };
  }

  /** Events of playerId from fromVersion on, in version order. */
  async history(playerId: string, fromVersion: number, limit: number): Promise<PlayerEvent[]> {
    const collection = await this.current();
    const docs = await collection
      .find({ playerId, version: { $gte: fromVersion } })
      .sort({ version: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => eventFromAuditDocument(doc));
  }

  /** Events of playerId up to a version or a time (inclusive), in version order. */
  async eventsUpTo(
    playerId: string,
    asOf: { version: number } | { at: string },
  ): Promise<PlayerEvent[]> {
    const bound =
      'version' in asOf
        ? { version: { $lte: asOf.version } }
        : { occurredAt: { $lte: new Date(asOf.at) } };
    const collection = await this.current();
    const docs = await collection
      .find({ playerId, ...bound })
      .sort({ version: 1 })
      .toArray();
    return docs.map((doc) => eventFromAuditDocument(doc));
  }
}
