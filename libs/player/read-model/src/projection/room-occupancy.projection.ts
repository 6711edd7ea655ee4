import { type PlayerState, toInventoryEntries } from '@qf/player-domain';
import type { RoomOccupancyDocument } from './read-model.documents';

/** The room_occupancy document of a state (the room it is in); null while not registered. */
export const roomOccupancyDocument = (state: PlayerState): RoomOccupancyDocument | null =>
  state.registered
    ? {
        _id: state.id,
        roomId: state.roomId,
        name: state.name,
        level: state.level,
        health: state.health,
        alive: state.alive,
        inventory: toInventoryEntries(state.inventory),
        version: state.version,
      }
    : null;
