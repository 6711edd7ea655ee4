import type { Filter, UpdateFilter } from 'mongodb';
import { toStoredPlayer, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import type {
  OutboxEntry,
  OutboxLease,
  PlayerDocument,
  RecentCommand,
} from '../document/player-document';

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

/** The document a RegisterPlayer inserts: state, its first recent command and (outbox mode) its events. */
export const insertDocumentFor = (
  state: PlayerState,
  events: readonly PlayerEvent[],
  recent: RecentCommand,
  mode: AuditMode,
  traceparent?: string,
): PlayerDocument => ({
  _id: state.id,
  ...toStoredPlayer(state),
  recent: [recent],
  ...(mode === 'outbox'
    ? {
        outbox: outboxEntriesFor(events, traceparent),
        outboxPending: events.length,
        outboxSince: oldestOccurredAt(events),
      }
    : {}),
});

/**
 * The write of an accepted command against a document read at `expectedVersion`: the new
 * state, the recent-commands entry (kept to the last `recentLimit`; the version guard makes
 * the caller's copy of `recent` exact, so it knows which entries the slice drops and packs
 * them into `seen` in the same write) and, in outbox mode,
 * the events, all in one update guarded by the version. It matches nothing when another
 * writer got there first, which is the optimistic-concurrency conflict.
 */
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
): GuardedWrite => {
  const recentPush = { $each: [recent], $slice: -Math.max(1, recentLimit) };
  const set = seen === undefined ? toStoredPlayer(state) : { ...toStoredPlayer(state), seen };
  const update: UpdateFilter<PlayerDocument> =
    mode === 'outbox'
      ? {
          $set: set,
          $push: { recent: recentPush, outbox: { $each: outboxEntriesFor(events, traceparent) } },
          $inc: { outboxPending: events.length },
          $min: { outboxSince: oldestOccurredAt(events) },
        }
      : { $set: set, $push: { recent: recentPush } };
  return {
    filter: { _id: state.id, version: expectedVersion },
    update: update as UpdateFilter<PlayerDocument>,
  };
};

/** Documents with pending entries whose outbox nobody holds (or whose lease ran out). */
export const claimableFilter = (now: Date): Filter<PlayerDocument> => ({
  outboxSince: { $gte: OUTBOX_EPOCH },
  $or: [{ outboxLease: { $exists: false } }, { 'outboxLease.until': { $lt: now } }],
});

/** A document with pending entries as the relay reads it: enough to claim and publish its outbox. */
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

/**
 * Claims one document's outbox as read: a conditional update by _id that also names the
 * version and entry count read. Entries are only added by a command (which moves the
 * version) and only removed by a lease holder (which changes the count), so a match means
 * the outbox holds exactly the entries read.
 */
export const claimWrite = (
  doc: Pick<PendingOutboxDocument, '_id' | 'version' | 'outboxPending'>,
  lease: OutboxLease,
  now: Date,
): GuardedWrite => ({
  filter: {
    _id: doc._id,
    version: doc.version,
    ...(doc.outboxPending === undefined
      ? { outboxPending: { $exists: false } }
      : { outboxPending: doc.outboxPending }),
    ...claimableFilter(now),
  },
  update: { $set: { outboxLease: lease } },
});

/** What a relay saw when it claimed a document. */
export interface ClaimedOutbox {
  readonly playerId: string;
  readonly token: string;
  readonly entries: readonly OutboxEntry[];
  /** outboxPending as claimed; equals entries.length unless the document predates outbox mode. */
  readonly pending: number;
  readonly claimedAt: Date;
}

const pullEntries = (claim: ClaimedOutbox) =>
  claim.entries.length === 0
    ? {}
    : {
        $pull: { outbox: { eventId: { $in: claim.entries.map((entry) => entry.eventId) } } },
        $inc: { outboxPending: -claim.entries.length },
      };

/**
 * After publishing: remove exactly the published entries and drop the lease. Only the
 * lease holder removes entries, so while the token matches they are all still there.
 * `drained`: nothing was added since the claim (outboxPending unchanged), so the
 * document leaves the pending set. Otherwise use `remainder`.
 */
export const releaseWrites = (
  claim: ClaimedOutbox,
): { drained: GuardedWrite; remainder: GuardedWrite } => ({
  drained: {
    filter: { _id: claim.playerId, 'outboxLease.token': claim.token, outboxPending: claim.pending },
    update: {
      ...pullEntries(claim),
      $unset: { outboxLease: '', outboxSince: '' },
    } as UpdateFilter<PlayerDocument>,
  },
  // Entries pushed after the claim occurred no earlier than (about) the claim, so the
  // claim time is a lower bound for the oldest one left: the age gauge errs on the old side.
  remainder: {
    filter: { _id: claim.playerId, 'outboxLease.token': claim.token },
    update: {
      ...pullEntries(claim),
      $unset: { outboxLease: '' },
      $set: { outboxSince: claim.claimedAt },
    } as UpdateFilter<PlayerDocument>,
  },
});

/** Gives a claim back untouched (publishing failed): the entries stay for the next round. */
export const abandonWrite = (claim: Pick<ClaimedOutbox, 'playerId' | 'token'>): GuardedWrite => ({
  filter: { _id: claim.playerId, 'outboxLease.token': claim.token },
  update: { $unset: { outboxLease: '' } },
});
