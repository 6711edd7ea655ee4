import type { Filter, UpdateFilter } from 'mongodb';
import { toStoredPlayer, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import type { OutboxEntry, PlayerDocument, RecentCommand } from '../document/player-document';

/**
 * Where the audit event goes. `outbox`: into the document, in the same atomic write as
 * the state (the relay publishes it). `dual-write`: the baseline; the document is written
 * without it, then the service publishes to Kafka itself, and a failure there loses it.
 */
export type AuditMode = 'outbox' | 'dual-write';

export const AUDIT_MODES: readonly AuditMode[] = ['outbox', 'dual-write'];

/** A conditional single-document write. */
export interface GuardedWrite {
  readonly filter: Filter<PlayerDocument>;
  readonly update: UpdateFilter<PlayerDocument>;
}

/**
 * Any Date at or before every occurredAt: `$gte` it selects documents with pending entries
 * (a range over the sparse `outboxSince` index, which holds only those documents).
 */
export const OUTBOX_EPOCH = new Date(0);

export const outboxEntriesFor = (
  events: readonly PlayerEvent[],
  traceparent?: string,
): OutboxEntry[] =>
  events.map((event) => ({
    ...event,
    eventId: event.metadata.eventId,
    ...(traceparent === undefined ? {} : { traceparent }),
  }));

const oldestOccurredAt = (events: readonly PlayerEvent[]): Date =>
  new Date(Math.min(...events.map((event) => Date.parse(event.metadata.occurredAt))));

/** One accepted command of a write: its events, its recent-commands entry, its span's context. */
export interface AcceptedCommandWrite {
  readonly events: readonly PlayerEvent[];
  readonly recent: RecentCommand;
  /** With tracing on: the command span's trace context, stored with each of its entries. */
  readonly traceparent?: string;
}

const entriesOf = (commands: readonly AcceptedCommandWrite[]): OutboxEntry[] =>
  commands.flatMap(({ events, traceparent }) => outboxEntriesFor(events, traceparent));

const eventsOf = (commands: readonly AcceptedCommandWrite[]): PlayerEvent[] =>
  commands.flatMap(({ events }) => events);

/**
 * The document the first write of a player inserts (a RegisterPlayer, and the commands of
 * the same player decided with it): state, the last `recentLimit` recent commands, the
 * packed older ids and (outbox mode) every event.
 */
export const groupInsertDocumentFor = (
  state: PlayerState,
  commands: readonly AcceptedCommandWrite[],
  mode: AuditMode,
  recentLimit: number,
  seen?: Buffer,
): PlayerDocument => {
  const events = eventsOf(commands);
  return {
    _id: state.id,
    ...toStoredPlayer(state),
    recent: commands.slice(-Math.max(1, recentLimit)).map(({ recent }) => recent),
    ...(seen === undefined ? {} : { seen }),
    ...(mode === 'outbox'
      ? {
          outbox: entriesOf(commands),
          outboxPending: events.length,
          outboxSince: oldestOccurredAt(events),
        }
      : {}),
  };
};

/** The document a RegisterPlayer inserts: state, its first recent command and (outbox mode) its events. */
export const insertDocumentFor = (
  state: PlayerState,
  events: readonly PlayerEvent[],
  recent: RecentCommand,
  mode: AuditMode,
  traceparent?: string,
): PlayerDocument =>
  groupInsertDocumentFor(
    state,
    [{ events, recent, ...(traceparent === undefined ? {} : { traceparent }) }],
    mode,
    1,
  );

/**
 * The write of the commands of one player accepted together, against a document read at
 * `expectedVersion`: the state after the last of them, their recent-commands entries (kept
 * to the last `recentLimit`; the version guard makes the caller's copy of `recent` exact, so
 * it knows which entries the slice drops and packs them into `seen` in the same write) and,
 * in outbox mode, all their events, in one update guarded by the version. It matches nothing
 * when another writer got there first, which is the optimistic-concurrency conflict.
 */
export const groupUpdateFor = (
  expectedVersion: number,
  state: PlayerState,
  commands: readonly AcceptedCommandWrite[],
  mode: AuditMode,
  recentLimit: number,
  /** The packed older ids (seen-commands.ts) when they change with this write. */
  seen?: Buffer,
): GuardedWrite => {
  const recentPush = {
    $each: commands.map(({ recent }) => recent),
    $slice: -Math.max(1, recentLimit),
  };
  const set = seen === undefined ? toStoredPlayer(state) : { ...toStoredPlayer(state), seen };
  const events = eventsOf(commands);
  const update: UpdateFilter<PlayerDocument> =
    mode === 'outbox'
      ? {
          $set: set,
          $push: { recent: recentPush, outbox: { $each: entriesOf(commands) } },
          $inc: { outboxPending: events.length },
          $min: { outboxSince: oldestOccurredAt(events) },
        }
      : { $set: set, $push: { recent: recentPush } };
  return {
    filter: { _id: state.id, version: expectedVersion },
    update: update as UpdateFilter<PlayerDocument>,
  };
};

/** The write of one accepted command (groupUpdateFor of one). */
export const guardedUpdateFor = (
  expectedVersion: number,
  state: PlayerState,
  events: readonly PlayerEvent[],
  recent: RecentCommand,
  mode: AuditMode,
  recentLimit: number,
  /** With tracing on: the command span's trace context, stored with each entry. */
  traceparent?: string,
  /** The packed older ids (seen-commands.ts) when they change with this write. */
  seen?: Buffer,
): GuardedWrite =>
  groupUpdateFor(
    expectedVersion,
    state,
    [{ events, recent, ...(traceparent === undefined ? {} : { traceparent }) }],
    mode,
    recentLimit,
    seen,
  );

/** A document with pending entries as the relay reads it: enough to publish and release its outbox. */
export type PendingOutboxDocument = Pick<
  PlayerDocument,
  '_id' | 'version' | 'outbox' | 'outboxPending' | 'outboxSince'
>;

/** What the relay reads of a pending document. */
export const PENDING_OUTBOX_PROJECTION = {
  _id: 1,
  version: 1,
  outbox: 1,
  outboxPending: 1,
  outboxSince: 1,
} as const;

/** Documents with pending entries (a range over the sparse `outboxSince` index). */
export const pendingFilter = (): Filter<PlayerDocument> => ({
  outboxSince: { $gte: OUTBOX_EPOCH },
});

/** What a relay read of one outbox and published. */
export interface ReadOutbox {
  readonly playerId: string;
  /** The document's version as read: with no entries, it tells that none were added since. */
  readonly version: number;
  readonly entries: readonly OutboxEntry[];
  /** outboxPending as read; equals entries.length unless the document predates outbox mode. */
  readonly pending: number;
  readonly readAt: Date;
}

const pullEntries = (read: ReadOutbox) =>
  read.entries.length === 0
    ? {}
    : {
        $pull: { outbox: { eventId: { $in: read.entries.map((entry) => entry.eventId) } } },
        $inc: { outboxPending: -read.entries.length },
      };

/**
 * The guard of a release: the first entry read is still in the outbox. Entries are added
 * at the end (by commands) and removed only by releases, each removing the whole run it
 * read, which starts at the then-first entry. So while the first entry read is there, no
 * release has happened since the read and every entry read is still there: the $pull and
 * the $inc below remove exactly them. A relay whose shard lease ran out while it published
 * (paused, slow) can publish entries the new holder publishes too (the audit consumer keeps
 * one copy), but only one of the two releases matches.
 */
const firstEntryGuard = (read: ReadOutbox): Filter<PlayerDocument> => {
  const first = read.entries[0];
  return first === undefined
    ? { version: read.version }
    : ({ 'outbox.eventId': first.eventId } as Filter<PlayerDocument>);
};

/**
 * After publishing: remove exactly the published entries. `drained`: nothing was added
 * since the read (outboxPending unchanged), so the document leaves the pending set.
 * Otherwise use `remainder`.
 */
export const releaseWrites = (
  read: ReadOutbox,
): { drained: GuardedWrite; remainder: GuardedWrite } => ({
  drained: {
    filter: { _id: read.playerId, ...firstEntryGuard(read), outboxPending: read.pending },
    update: {
      ...pullEntries(read),
      $unset: { outboxSince: '', outboxLease: '' },
    } as UpdateFilter<PlayerDocument>,
  },
  // Entries pushed after the read occurred no earlier than (about) the read, so the read
  // time is a lower bound for the oldest one left: the age gauge errs on the old side.
  remainder: {
    filter: { _id: read.playerId, ...firstEntryGuard(read) },
    update: {
      ...pullEntries(read),
      $unset: { outboxLease: '' },
      $set: { outboxSince: read.readAt },
    } as UpdateFilter<PlayerDocument>,
  },
});
