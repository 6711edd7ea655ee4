import type { PlayerEvent, PlayerState } from '@qf/player-domain';
import { playerViewOf } from '@qf/contracts';

/**
 * One item stack. The inventory is stored as an array of these rather than as an
 * `{ itemId: qty }` object: item ids may contain '.' (and names like `__proto__`), which
 * an update path or some Mongo-wire servers would read as nesting.
 */
export interface InventoryEntry {
  readonly itemId: string;
  readonly qty: number;
}

/** A pending audit event in the player's outbox: the event plus its id at the top level, for $pull. */
export type OutboxEntry = PlayerEvent & { readonly eventId: string };

/** A recently accepted command, kept so a retried Idempotency-Key gets the first outcome back. */
export interface RecentCommand {
  readonly commandId: string;
  readonly requestHash: string;
  /** The player version after the command. */
  readonly version: number;
  /** How many events it caused: ids are `${commandId}:${i}`, versions end at `version`. */
  readonly count: number;
  readonly occurredAt: string;
  /**
   * The event bodies `[{type, data}]` as JSON text: an array inside an array element
   * would be a nested array, which the design rules out for the Mongo-wire stand-in.
   */
  readonly events: string;
}

/** A relay's claim on the outbox of one document. */
export interface OutboxLease {
  readonly owner: string;
  /** Unique per claim, so a relay whose lease expired and was taken over cannot release it. */
  readonly token: string;
  readonly until: Date;
}

/** The `players` document: the live state, written in place with the version as guard. */
export interface PlayerDocument {
  readonly _id: string;
  readonly name: string;
  readonly level: number;
  readonly xp: number;
  readonly health: number;
  readonly maxHealth: number;
  readonly roomId: string;
  readonly inventory: readonly InventoryEntry[];
  readonly alive: boolean;
  readonly version: number;
  readonly updatedAt: string;
  /** The last N accepted commands (N = QF_RECENT_COMMANDS), oldest first. */
  readonly recent: readonly RecentCommand[];
  /** Audit events not yet published (outbox mode only). */
  readonly outbox?: readonly OutboxEntry[];
  /** Number of entries in outbox, maintained by $inc in the same writes as the array. */
  readonly outboxPending?: number;
  /** occurredAt of the oldest pending entry (a lower bound); absent when nothing is pending. */
  readonly outboxSince?: Date;
  readonly outboxLease?: OutboxLease;
}

/** The state fields of a document, as they are $set on every write. */
export type PlayerStateFields = Pick<
  PlayerDocument,
  | 'name'
  | 'level'
  | 'xp'
  | 'health'
  | 'maxHealth'
  | 'roomId'
  | 'inventory'
  | 'alive'
  | 'version'
  | 'updatedAt'
>;

export const inventoryToEntries = (inventory: Readonly<Record<string, number>>): InventoryEntry[] =>
  Object.entries(inventory)
    .filter(([, qty]) => qty > 0)
    .map(([itemId, qty]) => ({ itemId, qty }));

// Object.fromEntries defines own properties, so an item called "__proto__" stays an item.
export const entriesToInventory = (
  entries: readonly InventoryEntry[] | undefined,
): Record<string, number> =>
  Object.fromEntries(
    (entries ?? []).filter((entry) => entry.qty > 0).map((entry) => [entry.itemId, entry.qty]),
  );

/** The fields a write stores for state (a registered player). */
export const stateToFields = (state: PlayerState): PlayerStateFields => ({
  name: state.name,
  level: state.level,
  xp: state.xp,
  health: state.health,
  maxHealth: state.maxHealth,
  roomId: state.roomId,
  inventory: inventoryToEntries(state.inventory),
  alive: state.alive,
  version: state.version,
  updatedAt: state.updatedAt,
});

/** The domain state a document holds. Documents exist only for registered players. */
export const documentToState = (
  doc: Pick<PlayerDocument, '_id'> & PlayerStateFields,
): PlayerState => ({
  id: doc._id,
  registered: true,
  name: doc.name,
  level: doc.level,
  xp: doc.xp,
  health: doc.health,
  maxHealth: doc.maxHealth,
  roomId: doc.roomId,
  inventory: entriesToInventory(doc.inventory),
  alive: doc.alive,
  version: doc.version,
  updatedAt: doc.updatedAt,
});

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
