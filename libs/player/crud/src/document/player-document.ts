import type { InventoryEntry, PlayerEvent, StoredPlayerFields } from '@qf/player-domain';
import { playerViewOf } from '@qf/player-wire';

/** Inventories are stored as the domain's entries: item ids may contain '.', which an update path reads as nesting. */
export type { InventoryEntry };

/** A pending audit event in the player's outbox: the event plus its id at the top level, for $pull. */
export type OutboxEntry = PlayerEvent & {
  readonly eventId: string;
  /** With tracing on: the W3C trace context of the command's span, for the relay to carry on. */
  readonly traceparent?: string;
};

/** A recently accepted command, kept so a retried Idempotency-Key gets the first outcome back. */
export interface RecentCommand {
  readonly commandId: string;
  readonly requestHash: string;
  /** The player version after the command. */
  readonly version: number;
  /** How many events it caused: ids are `${commandId}:${i}`, versions end at `version`. */
  readonly count: number;
  readonly occurredAt: string;
  /** When it was decided (ms since the epoch): the idempotency horizon counts from here. Absent in older documents (occurredAt then). */
  readonly decidedAt?: number;
  /**
   * The event bodies `[{type, data}]` as JSON text: an array inside an array element
   * would be a nested array, which the design rules out for the Mongo-wire stand-in.
   */
  readonly events: string;
}

/** The `players` document: the live state, written in place with the version as guard. */
export interface PlayerDocument extends StoredPlayerFields {
  readonly _id: string;
  /** The last N accepted commands (N = QF_RECENT_COMMANDS), oldest first, outcomes included. */
  readonly recent: readonly RecentCommand[];
  /**
   * Older accepted command ids still within the idempotency horizon, packed 16 bytes each
   * (seen-commands.ts); a BSON Binary as read, a Buffer as written.
   */
  readonly seen?: unknown;
  /** Audit events not yet published (outbox mode only). */
  readonly outbox?: readonly OutboxEntry[];
  /** Number of entries in outbox, maintained by $inc in the same writes as the array. */
  readonly outboxPending?: number;
  /** occurredAt of the oldest pending entry (a lower bound); absent when nothing is pending. */
  readonly outboxSince?: Date;
  /**
   * A per-document claim left by relays before shard leases (relay-shards.ts): ignored,
   * and removed by the next release.
   */
  readonly outboxLease?: unknown;
}

/** The state fields of a document, as they are $set on every write (toStoredPlayer writes them). */
export type PlayerStateFields = StoredPlayerFields;

/** The API's PlayerView of a state (the same shape the ES read side answers). */
export const stateToView = playerViewOf;

/** The fields reads need: the outbox and recent commands are write-side bookkeeping. */
export const VIEW_PROJECTION = {
  _id: 1,
  name: 1,
  level: 1,
  xp: 1,
  health: 1,
  maxHealth: 1,
  roomId: 1,
  inventory: 1,
  alive: 1,
  version: 1,
  updatedAt: 1,
} as const;
