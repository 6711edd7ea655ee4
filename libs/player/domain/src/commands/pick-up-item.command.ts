import { rejection } from '../errors/player-rejected.error';
import type { PlayerEventBody } from '../events/player.events';
import { inventoryTotal } from '../inventory';
import { assertAlive, assertItemId, assertQuantity } from '../player.guards';
import type { PlayerState } from '../player.state';
import { INVENTORY_CAPACITY } from '../rules';
import type { CommandMetadata } from './command-metadata';

/** Put qty of itemId into the player's inventory. */
export type PickUpItem = {
  type: 'PickUpItem';
  data: { playerId: string; itemId: string; qty: number };
  metadata: CommandMetadata;
};

export const pickUpItem = (command: PickUpItem, state: PlayerState): PlayerEventBody[] => {
  const itemId = assertItemId(command.data.itemId);
  const qty = assertQuantity(command.data.qty);
  const { inventory } = assertAlive(state);
  const carried = inventoryTotal(inventory);
  if (carried + qty > INVENTORY_CAPACITY) {
    throw rejection(
      'PLAYER.INVENTORY_FULL',
      `player ${state.id} carries ${carried}/${INVENTORY_CAPACITY} and cannot take ${qty} more`,
      { carried, capacity: INVENTORY_CAPACITY, qty },
    );
  }
  return [{ type: 'ItemPickedUp', data: { itemId, qty } }];
};
