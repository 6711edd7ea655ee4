import { rejection } from './errors/player-rejected.error';
import type { PlayerState } from './player.state';
import { MAX_AMOUNT } from './rules';
import { isValidId, isValidQuantity } from './validation';

/** Throws PLAYER.NOT_FOUND unless the player is registered. */
export const assertRegistered = (state: PlayerState): PlayerState => {
  if (!state.registered) {
    throw rejection('PLAYER.NOT_FOUND', `player ${state.id} is not registered`, {
      playerId: state.id,
    });
  }
  return state;
};

/** Throws PLAYER.NOT_FOUND or PLAYER.DEAD unless the player is registered and alive. */
export const assertAlive = (state: PlayerState): PlayerState => {
  if (!assertRegistered(state).alive) {
    throw rejection('PLAYER.DEAD', `player ${state.id} is dead`, { playerId: state.id });
  }
  return state;
};

/** Throws PLAYER.INVALID_ROOM unless roomId is a well-formed room id. */
export const assertRoomId = (roomId: unknown, field: string): string => {
  if (!isValidId(roomId))
    throw rejection('PLAYER.INVALID_ROOM', `${field} is not a valid room id`, { field });
  return roomId;
};

/** Throws PLAYER.INVALID_ITEM unless itemId is a well-formed item id. */
export const assertItemId = (itemId: unknown): string => {
  if (!isValidId(itemId))
    throw rejection('PLAYER.INVALID_ITEM', 'itemId is not a valid item id', { field: 'itemId' });
  return itemId;
};

/** Throws PLAYER.INVALID_QUANTITY unless qty is a positive safe integer within MAX_AMOUNT. */
export const assertQuantity = (qty: unknown): number => {
  if (!isValidQuantity(qty))
    throw rejection('PLAYER.INVALID_QUANTITY', `qty must be an integer in 1..${MAX_AMOUNT}`, {
      field: 'qty',
      value: shown(qty),
    });
  return qty;
};

/** Throws PLAYER.INVALID_AMOUNT unless amount is a positive safe integer within MAX_AMOUNT. */
export const assertAmount = (amount: unknown): number => {
  if (!isValidQuantity(amount))
    throw rejection('PLAYER.INVALID_AMOUNT', `amount must be an integer in 1..${MAX_AMOUNT}`, {
      field: 'amount',
      value: shown(amount),
    });
  return amount;
};

// Numbers are echoed back to help the caller; anything else could be arbitrarily large.
const shown = (value: unknown): unknown => (typeof value === 'number' ? value : typeof value);
