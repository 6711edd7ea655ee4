import type { PlayerState } from './player.state';

/**
 * One inventory line. A stored player keeps its inventory as a list of these rather than
 * an object keyed by item id: item ids may contain dots (`item.sword`), which document
 * stores read as paths.
 */
export interface InventoryEntry {
  readonly itemId: string;
  readonly qty: number;
}

/**
 * The scalar fields of a registered player, the same wherever it is shown or stored; each
 * form adds the inventory in its own shape (and an id where it needs one).
 */
export interface RegisteredPlayerFields {
  readonly name: string;
  readonly level: number;
  readonly xp: number;
  readonly health: number;
  readonly maxHealth: number;
  readonly roomId: string;
  readonly alive: boolean;
  /** The aggregate version these fields reflect. */
  readonly version: number;
  readonly updatedAt: string;
}

/** A registered player's state as flat fields that any document store can hold. */
export interface StoredPlayerFields extends RegisteredPlayerFields {
  readonly inventory: readonly InventoryEntry[];
}

/** The inventory map as entries, in the map's own key order (only positive quantities exist). */
export const toInventoryEntries = (inventory: Readonly<Record<string, number>>): InventoryEntry[] =>
  Object.entries(inventory).map(([itemId, qty]) => ({ itemId, qty }));

/** Back to the map; fromEntries defines own keys, so an item called `__proto__` stays an item. */
export const fromInventoryEntries = (
  entries: readonly InventoryEntry[] | undefined,
): Record<string, number> =>
  Object.fromEntries(
    (entries ?? []).filter(({ qty }) => qty > 0).map(({ itemId, qty }) => [itemId, qty]),
  );

/** The stored fields of a state (the ES read model's player_details and the CRUD players document share them). */
export const toStoredPlayer = (state: PlayerState): StoredPlayerFields => ({
  name: state.name,
  level: state.level,
  xp: state.xp,
  health: state.health,
  maxHealth: state.maxHealth,
  roomId: state.roomId,
  inventory: toInventoryEntries(state.inventory),
  alive: state.alive,
  version: state.version,
  updatedAt: state.updatedAt,
});

/** The state stored fields stand for: every field of PlayerState is stored, so nothing is lost. */
export const fromStoredPlayer = (id: string, fields: StoredPlayerFields): PlayerState => ({
  id,
  registered: true,
  name: fields.name,
  level: fields.level,
  xp: fields.xp,
  health: fields.health,
  maxHealth: fields.maxHealth,
  roomId: fields.roomId,
  inventory: fromInventoryEntries(fields.inventory),
  alive: fields.alive,
  version: fields.version,
  updatedAt: fields.updatedAt,
});
