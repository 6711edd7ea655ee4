import { type DynamicModule, Module } from '@nestjs/common';
import { PlayerApiModule } from '@qf/player-api';
import {
  PLAYER_VIEW_READER,
  type PlayerViewReader,
  ReadModelRepository,
} from '@qf/player-read-model/queries';
import {
  ObservabilityModule,
  serviceRuntimeProviders,
  type ServiceRuntime,
} from '@qf/shared-observability';
import { QUERY_HANDLERS, QUERY_LIMITS, type QueryLimits } from './queries';

/** What main.ts built before Nest starts; the module closes it on shutdown. */
export interface QueryRuntime {
  readonly repository: ReadModelRepository;
  readonly reader: PlayerViewReader;
  readonly limits: QueryLimits;
  readonly grpcPort: number;
  readonly pingMongo: () => Promise<void>;
  /** Redis state (ioredis status, or 'disabled'); a Redis outage degrades to Mongo reads, it fails no check. */
  readonly cacheStatus: () => string;
  readonly close: () => Promise<void>;
}

const service = (runtime: QueryRuntime): ServiceRuntime => ({
  service: 'query-service',
  health: (checks) => {
    checks.register('mongo', async () => {
      await runtime.pingMongo();
      return true;
    });
    checks.describe('cache', () => runtime.cacheStatus());
    // Reads go on from Mongo while Redis is away: degraded, not unavailable.
    checks.registerDegradation('cache', () => {
      const status = runtime.cacheStatus();
      return status === 'ready' || status === 'disabled'
        ? []
        : [`redis is ${status}; reads are served from Mongo`];
    });
  },
  // After the HTTP and gRPC servers stopped taking requests.
  close: runtime.close,
});

/** query-service: the shared REST + gRPC query API over the read models. */
@Module({})
export class QueryServiceModule {
  static forRoot(runtime: QueryRuntime): DynamicModule {
    return {
      module: QueryServiceModule,
      imports: [
        ObservabilityModule,
        PlayerApiModule.forRoot({ commands: false, queries: true, grpcPort: runtime.grpcPort }),
      ],
      providers: [
        { provide: ReadModelRepository, useValue: runtime.repository },
        { provide: PLAYER_VIEW_READER, useValue: runtime.reader },
        { provide: QUERY_LIMITS, useValue: runtime.limits },
        ...serviceRuntimeProviders(service(runtime)),
        ...QUERY_HANDLERS,
      ],
    };
  }
}
