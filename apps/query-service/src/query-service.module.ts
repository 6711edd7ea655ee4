import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { PlayerApiModule } from '@qf/player-api';
import {
  PLAYER_VIEW_READER,
  type PlayerViewReader,
  ReadModelRepository,
} from '@qf/player-read-model/queries';
import { HealthChecks, ObservabilityModule } from '@qf/shared-observability';
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

const RUNTIME = Symbol('QueryRuntime');

@Injectable()
class QueryLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(RUNTIME) private readonly runtime: QueryRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.health.register('mongo', async () => {
      await this.runtime.pingMongo();
      return true;
    });
    this.health.describe('cache', () => this.runtime.cacheStatus());
    // Reads go on from Mongo while Redis is away: degraded, not unavailable.
    this.health.registerDegradation('cache', () => {
      const status = this.runtime.cacheStatus();
      return status === 'ready' || status === 'disabled'
        ? []
        : [`redis is ${status}; reads are served from Mongo`];
    });
  }

  // Runs after the HTTP and gRPC servers stopped taking requests.
  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

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
        { provide: RUNTIME, useValue: runtime },
        { provide: ReadModelRepository, useValue: runtime.repository },
        { provide: PLAYER_VIEW_READER, useValue: runtime.reader },
        { provide: QUERY_LIMITS, useValue: runtime.limits },
        QueryLifecycle,
        ...QUERY_HANDLERS,
      ],
    };
  }
}
