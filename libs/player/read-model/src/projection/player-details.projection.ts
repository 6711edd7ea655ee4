import { initialState, type PlayerState } from '@qf/player-domain';
import { fromInventoryEntries, toInventoryEntries } from './inventory-entries';
import type { PlayerDetailsDocument } from './read-model.documents';

/** The player_details document of a state; null while the player is not registered. */
export const playerDetailsDocument = (state: PlayerState): PlayerDetailsDocument | null =>
  state.registered
    ? {
        _id: state.id,
        name: state.name,
        level: state.level,
        xp: state.xp,
        health: state.health,
        maxHealth: state.maxHealth,
        roomId: state.roomId,
        inventory: toInventoryEntries(state.inventory),
        alive: state.alive,
        version: state.version,
        updatedAt: state.updatedAt,
      }
    : null;

/**
 * The state a player_details document stands for. player_details holds every field of
 * PlayerState, so the projector folds new events on top of it (it is the fold's base).
 */
export const stateFromPlayerDetails = (doc: PlayerDetailsDocument): PlayerState => ({
  ...initialState(doc._id),
  registered: true,
  name: doc.name,
  level: doc.level,
  xp: doc.xp,
  health: doc.health,
  maxHealth: doc.maxHealth,
  roomId: doc.roomId,
  inventory: fromInventoryEntries(doc.inventory),
  alive: doc.alive,
  version: doc.version,
  updatedAt: doc.updatedAt,
});
