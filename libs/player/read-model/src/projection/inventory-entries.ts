import type { InventoryEntry } from './read-model.documents';

/** The domain's inventory map as stored: entries in the map's own key order. */
export const toInventoryEntries = (inventory: Readonly<Record<string, number>>): InventoryEntry[] =>
  Object.entries(inventory).map(([itemId, qty]) => ({ itemId, qty }));

/** Back to the map the API shows; fromEntries defines keys, so `__proto__` stays an item. */
export const fromInventoryEntries = (entries: readonly InventoryEntry[] | undefined): Record<string, number> =>
  Object.fromEntries((entries ?? []).map(({ itemId, qty }) => [itemId, qty]));
