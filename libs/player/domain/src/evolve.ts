import { UnreadableEvent } from './errors/unreadable-event.error';
import type { PlayerEvent } from './events/player.events';
import { quantityOf, withQuantity } from './inventory';
import type { PlayerState } from './player.state';

/**
 * The state after event, as a new object (the input is never mutated). Events are
 * facts, so nothing is re-validated here; ordering and deduplication by version
 * belong to whoever reads the stream.
 */
export const evolve = (state: PlayerState, event: PlayerEvent): PlayerState => {
  const { version, occurredAt } = event.metadata;
  return { ...state, ...changesFor(state, event), version, updatedAt: occurredAt };
};

const changesFor = (state: PlayerState, event: PlayerEvent): Partial<PlayerState> => {
  switch (event.type) {
    case 'PlayerRegistered': {
      const { name, startRoom, stats } = event.data;
      const { level, xp, health, maxHealth } = stats;
      return {
        registered: true,
        alive: health > 0,
        name,
        roomId: startRoom,
        level,
        xp,
        health,
        maxHealth,
        inventory: {},
      };
    }
    case 'PlayerMoved':
      return { roomId: event.data.toRoom };
    case 'ItemPickedUp': {
      const { itemId, qty } = event.data;
      return {
        inventory: withQuantity(state.inventory, itemId, quantityOf(state.inventory, itemId) + qty),
      };
    }
    case 'ItemDropped': {
      const { itemId, qty } = event.data;
      const left = Math.max(0, quantityOf(state.inventory, itemId) - qty);
      return { inventory: withQuantity(state.inventory, itemId, left) };
    }
    case 'DamageTaken':
      return { health: event.data.health };
    case 'PlayerDied':
      return { alive: false, health: 0 };
    case 'PlayerHealed':
      return { health: event.data.health };
    case 'ExperienceGained':
      return { xp: event.data.xp };
    case 'LevelGained': {
      const { level, maxHealth, health } = event.data;
      return { level, maxHealth, health };
    }
    default: {
      // Reachable only with an event that skipped upcast, e.g. written by a newer build.
      const unknown: never = event;
      const type = (unknown as { type?: unknown }).type;
      throw new UnreadableEvent('EVENT.UNKNOWN_TYPE', `unknown player event type ${String(type)}`, {
        type: String(type),
      });
    }
  }
};
