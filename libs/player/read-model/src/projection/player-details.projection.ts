import { fromStoredPlayer, toStoredPlayer, type PlayerState } from '@qf/player-domain';
import type { PlayerDetailsDocument } from './read-model.documents';

/** The player_details document of a state; null while the player is not registered. */
export const playerDetailsDocument = (state: PlayerState): PlayerDetailsDocument | null =>
  state.registered ? { _id: state.id, ...toStoredPlayer(state) } : null;

/**
 * The state a player_details document stands for. player_details holds every field of
 * PlayerState, so the projector folds new events on top of it (it is the fold's base).
 */
export const stateFromPlayerDetails = (doc: PlayerDetailsDocument): PlayerState =>
  fromStoredPlayer(doc._id, doc);
