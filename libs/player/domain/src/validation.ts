import { ID_PATTERN, MAX_AMOUNT, NAME_MAX_LENGTH } from './rules';

// Cc covers \u0000-\u001f and \u007f-\u009f. Zl/Zp (U+2028/U+2029) break lines in logs
// and JSON-in-JS, and a lone surrogate (Cs under the u flag) cannot be stored as
// UTF-8, so none of them count as printable either.
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;
// Format characters (zero-width space, BOM, bidi marks…) are invisible on their own,
// so a name made only of them and whitespace is as blank as an all-space name.
const VISIBLE = /[^\s\p{Cf}]/u;

/** A player name: 1..32 code points, untrimmed, all printable, not blank. */
export const isValidName = (name: unknown): name is string => {
  if (typeof name !== 'string' || NOT_PRINTABLE.test(name) || !VISIBLE.test(name)) return false;
  // Counted in code points so an emoji counts as one character, not two UTF-16 units.
  return [...name].length <= NAME_MAX_LENGTH;
};

/** A room or item id: 1..64 chars of [A-Za-z0-9_.:-]. */
export const isValidId = (id: unknown): id is string =>
  typeof id === 'string' && ID_PATTERN.test(id);

/** A qty or amount: a positive safe integer no larger than MAX_AMOUNT. */
export const isValidQuantity = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n > 0 && n <= MAX_AMOUNT;
