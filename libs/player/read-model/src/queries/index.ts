import { GetHistoryHandler } from './get-history.handler';
import { GetLeaderboardHandler } from './get-leaderboard.handler';
import { GetPlayerHandler } from './get-player.handler';
import { GetRoomPlayersHandler } from './get-room-players.handler';
import { GetStateAtHandler } from './get-state-at.handler';

export { GetHistoryHandler, GetLeaderboardHandler, GetPlayerHandler, GetRoomPlayersHandler, GetStateAtHandler };
export { PLAYER_VIEW_READER, PlayerViewReader, type MinVersionWait } from './player-view.reader';
export { QUERY_LIMITS, type QueryLimits } from './query-limits';

/** Every @QueryHandler of the read side, for an app's providers. */
export const READ_MODEL_QUERY_HANDLERS = [GetPlayerHandler, GetRoomPlayersHandler, GetLeaderboardHandler, GetHistoryHandler, GetStateAtHandler];
