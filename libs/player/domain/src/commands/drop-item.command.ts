import { rejection } from '../errors/player-rejected.error';
import type { PlayerEventBody } from '../events/player.events';
import { quantityOf } from '../inventory';
import { assertItemId, assertQuantity, assertRegistered } from '../player.guards';
import type { PlayerState } from '../player.state';
import type { CommandMetadata } from './command-metadata';

/** Take qty of itemId out of the player's inventory. */
export type DropItem = {
  type: 'DropItem';
  data: { playerId: string; itemId: string; qty: number };
  metadata: CommandMetadata;
};

export const dropItem = (command: DropItem, state: PlayerState): PlayerEventBody[] => {
  const itemId = assertItemId(command.data.itemId);
  const qty = assertQuantity(command.data.qty);
  // Registered, not alive: the design does not guard DropItem, so the dead can drop their loot.
  const held = quantityOf(assertRegistered(state).inventory, itemId);
  if (held < qty) {
    throw rejection(
      'PLAYER.INSUFFICIENT_ITEMS',
      `player ${state.id} holds ${held} of ${itemId}, cannot drop ${qty}`,
      { itemId, held, qty },
    );
  }
  return [{ type: 'ItemDropped', data: { itemId, qty } }];
};
