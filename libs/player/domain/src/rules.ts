// The game rules, shared by the event-sourced decider and the CRUD service so both
// sides of the benchmark enforce exactly the same invariants.

/** Level of a freshly registered player. */
export const START_LEVEL = 1;
/** Experience of a freshly registered player. */
export const START_XP = 0;
/** Maximum (and starting) health of a freshly registered player. */
export const START_MAX_HEALTH = 100;
/** Maximum health added by each level gained. */
export const MAX_HEALTH_PER_LEVEL = 10;
/** Maximum sum of all item quantities a player may carry. */
export const INVENTORY_CAPACITY = 50;
/** Largest qty or amount a single command may carry. */
export const MAX_AMOUNT = 1_000_000;
/** Longest allowed player name, in Unicode code points. */
export const NAME_MAX_LENGTH = 32;
/** Longest allowed room or item id. */
export const ID_MAX_LENGTH = 64;
/** Shape of room and item ids: 1..64 chars of [A-Za-z0-9_.:-]. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

const XP_STEP = 100;

/** Cumulative experience needed to reach `level` (level 2 at 100, 3 at 300, 4 at 600…). */
export const xpToReachLevel = (level: number): number => (XP_STEP * (level - 1) * level) / 2;

/** The largest level L with xpToReachLevel(L) <= xp. */
export const levelForXp = (xp: number): number => {
  if (!(xp > 0)) return START_LEVEL;
  // Closed form of the inverse triangular number; the two loops only absorb
  // floating-point rounding, so this stays O(1) for any safe-integer xp.
  let level = Math.max(START_LEVEL, Math.floor((1 + Math.sqrt(1 + (8 * xp) / XP_STEP)) / 2));
  while (xpToReachLevel(level) > xp) level -= 1;
  while (xpToReachLevel(level + 1) <= xp) level += 1;
  return level;
};
