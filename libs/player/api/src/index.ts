export {
  NO_KEY_HASH,
  translateCommand,
  type CommandRequest,
  type TranslatedCommand,
} from './command-translation';
export { ExecutePlayerCommand } from './commands/execute-player-command.command';
export { grpcClients, GrpcApiServer } from './grpc/grpc-api.server';
export {
  CommandRoutes,
  GrpcLifecycle,
  PlayerApiModule,
  requestTimeoutMsFromEnv,
  type PlayerApiOptions,
} from './player-api.module';
export {
  commandAmbiguous,
  commandNotFound,
  GetCommandStatusQuery,
  singleStatus,
} from './queries/command-status.query';
export { CommandStatusController, commandStatusQuery } from './rest/command-status.controller';
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
export { HealthClient } from './grpc/grpc-health.service';
export {
  decodeRichStatus,
  ERROR_DOMAIN,
  grpcCodeFor,
  richStatusOf,
  STATUS_DETAILS_KEY,
  type StatusDetail,
} from './grpc/rich-status';
