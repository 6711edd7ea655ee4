import 'reflect-metadata';
import { createLogger } from '@qf/shared-observability';
import { queryServiceConfig } from './query-service.config';
import { startQueryService } from './query-service';

// query-service: GET /players/{id}, /rooms/{roomId}/players, /leaderboard,
// /players/{id}/history, /players/{id}/state over REST (:3001, QF_HTTP_PORT) and gRPC
// (:50052, QF_GRPC_PORT), from the Redis cache and the Mongo read models.
process.env['QF_SERVICE'] ??= 'query-service';

startQueryService(queryServiceConfig()).catch((error: unknown) => {
  createLogger('query-service').error('failed to start', { error });
  process.exit(1);
});
