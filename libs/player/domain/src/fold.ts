import type { PlayerEvent } from './events/player.events';
import { evolve } from './evolve';
import { initialState, type PlayerState } from './player.state';

/** The state of playerId after events, applied in order from initialState. */
export const fold = (playerId: string, events: readonly PlayerEvent[]): PlayerState =>
  events.reduce(evolve, initialState(playerId));
