// Item ids such as "__proto__", "constructor" or "toString" match the id pattern, so
// the inventory is only ever read through own properties and rebuilt with
// Object.fromEntries, which defines keys instead of hitting prototype setters.

type Inventory = Readonly<Record<string, number>>;

/** How many of itemId the inventory holds (0 when none). */
export const quantityOf = (inventory: Inventory, itemId: string): number =>
  Object.hasOwn(inventory, itemId) ? (inventory[itemId] ?? 0) : 0;

/** Sum of all quantities, the figure INVENTORY_CAPACITY limits. */
export const inventoryTotal = (inventory: Inventory): number =>
  Object.values(inventory).reduce((total, qty) => total + qty, 0);

/** A new inventory with itemId set to qty; qty 0 removes the key. */
export const withQuantity = (inventory: Inventory, itemId: string, qty: number): Inventory => {
  const others = Object.entries(inventory).filter(([id]) => id !== itemId);
  if (qty <= 0) return Object.fromEntries(others);
  // Keep the item's place when it is already held, so key order stays stable.
  const entries: [string, number][] = Object.hasOwn(inventory, itemId)
    ? Object.entries(inventory).map(([id, q]) => [id, id === itemId ? qty : q])
    : [...others, [itemId, qty]];
  return Object.fromEntries(entries);
};
