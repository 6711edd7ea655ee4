import { GetHistoryHandler } from './get-history.handler';
import { GetLeaderboardHandler } from './get-leaderboard.handler';
import { GetPlayerHandler } from './get-player.handler';
import { GetRoomPlayersHandler } from './get-room-players.handler';
import { GetStateAtHandler } from './get-state-at.handler';

export { QUERY_LIMITS, type QueryLimits } from './query-limits';

/** Every @QueryHandler of the ES read side, for the module's providers. */
export const QUERY_HANDLERS = [
  GetPlayerHandler,
  GetRoomPlayersHandler,
  GetLeaderboardHandler,
  GetHistoryHandler,
  GetStateAtHandler,
];
