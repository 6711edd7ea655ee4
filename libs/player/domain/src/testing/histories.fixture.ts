import type { PlayerEvent, PlayerEventBody } from '../index';
import { PLAYER_ID, registeredPlayer, START_ROOM } from './';

/** A player killed in the start room, then the extra bodies. */
export const dead = (...bodies: PlayerEventBody[]): PlayerEvent[] =>
  registeredPlayer(
    PLAYER_ID,
    { type: 'DamageTaken', data: { amount: 100, health: 0 } },
    { type: 'PlayerDied', data: { roomId: START_ROOM } },
    ...bodies,
  );

/** A player holding the given items. */
export const holding = (items: Record<string, number>): PlayerEvent[] =>
  registeredPlayer(
    PLAYER_ID,
    ...Object.entries(items).map(([itemId, qty]): PlayerEventBody => ({
      type: 'ItemPickedUp',
      data: { itemId, qty },
    })),
  );
