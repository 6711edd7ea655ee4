import type { PlayerState } from '@qf/player-domain';
import type { LeaderboardDocument } from './read-model.documents';

/** The leaderboard document of a state; null while not registered. Dead players keep their rank. */
export const leaderboardDocument = (state: PlayerState): LeaderboardDocument | null =>
  state.registered
    ? { _id: state.id, name: state.name, level: state.level, xp: state.xp, version: state.version }
    : null;
