export {
  NO_KEY_HASH,
  translateCommand,
  type CommandRequest,
  type TranslatedCommand,
} from './command-translation';
export { ExecutePlayerCommand } from './commands/execute-player-command.command';
export { grpcClients, GrpcApiServer } from './grpc/grpc-api.server';
export { createHttpApp, DEFAULT_BODY_LIMIT, type HttpAppOptions } from './http-app';
export { refuseToRun } from './refuse-to-run';
export { DEFAULT_HOST, listenHost } from './listen-host';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  RequestTimeoutInterceptor,
} from './request-timeout.interceptor';
export {
  CommandRoutes,
  GrpcLifecycle,
  PlayerApiModule,
  requestTimeoutMsFromEnv,
  type PlayerApiOptions,
} from './player-api.module';
export {
  GetHistoryQuery,
  GetLeaderboardQuery,
  GetPlayerQuery,
  GetRoomPlayersQuery,
  GetStateAtQuery,
} from './queries/player.queries';
export {
  DEFAULT_LEADERBOARD_LIMIT,
  PlayerQueriesController,
} from './rest/player-queries.controller';
export { registerCommandRoutes, type CommandRoutesOptions } from './rest/command-routes';
export { HandlerDeadline, HandlerDeadlines } from './rest/handler-deadlines';
export { ProblemFilter, sendProblem } from './rest/problem.filter';
