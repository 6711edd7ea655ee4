/** How a rejection maps onto protocols: invalid -> 400, not-found -> 404, conflict -> 409. */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict';

/** Every stable error code of the player domain, with its kind. */
export const ERROR_CODES = Object.freeze({
  'PLAYER.NOT_FOUND': 'not-found',
  'PLAYER.ALREADY_REGISTERED': 'conflict',
  'PLAYER.INVALID_NAME': 'invalid',
  'PLAYER.INVALID_ROOM': 'invalid',
  'PLAYER.INVALID_ITEM': 'invalid',
  'PLAYER.INVALID_QUANTITY': 'invalid',
  'PLAYER.INVALID_AMOUNT': 'invalid',
  'PLAYER.DEAD': 'conflict',
  'PLAYER.SAME_ROOM': 'conflict',
  'PLAYER.INVENTORY_FULL': 'conflict',
  'PLAYER.INSUFFICIENT_ITEMS': 'conflict',
  'COMMAND.AGGREGATE_MISMATCH': 'invalid',
  'COMMAND.UNKNOWN': 'invalid',
  'EVENT.UNKNOWN_TYPE': 'invalid',
  'EVENT.UNSUPPORTED_SCHEMA': 'invalid',
} as const satisfies Record<string, ErrorKind>);

/** One of the codes in ERROR_CODES. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The kind ERROR_CODES assigns to code C. */
export type ErrorKindOf<C extends ErrorCode> = (typeof ERROR_CODES)[C];
