import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import { PlayerApiModule } from '@qf/player-api';
import { CrudCommandExecutor, CrudQueries, type AuditPublisher } from '@qf/player-crud';
import { HealthChecks, ObservabilityModule } from '@qf/shared-observability';
import { CrudCommandHandler } from './handlers/crud-command.handler';
import { crudQueryHandlers } from './handlers/crud-query.handlers';

/** What main.ts connected before Nest starts; the module closes it on shutdown. */
export interface CrudRuntime {
  readonly client: MongoClient;
  readonly db: Db;
  readonly executor: CrudCommandExecutor;
  readonly queries: CrudQueries;
  readonly publisher?: AuditPublisher;
  readonly grpcPort: number;
}

const RUNTIME = Symbol('CrudRuntime');

@Injectable()
class CrudLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(RUNTIME) private readonly runtime: CrudRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.health.register('mongo', async () => {
      await this.runtime.db.command({ ping: 1 });
      return true;
    });
    this.health.describe('auditMode', () => this.runtime.executor.mode);
  }

  // Runs after the HTTP server stopped taking requests.
  async onApplicationShutdown(): Promise<void> {
    await this.runtime.publisher?.close().catch(() => undefined);
    await this.runtime.client.close();
  }
}

/** crud-service: the shared REST + gRPC API over the CRUD executor and queries. */
@Module({})
export class CrudServiceModule {
  static forRoot(runtime: CrudRuntime): DynamicModule {
    return {
      module: CrudServiceModule,
      imports: [
        ObservabilityModule,
        PlayerApiModule.forRoot({ commands: true, queries: true, grpcPort: runtime.grpcPort }),
      ],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: CrudCommandExecutor, useValue: runtime.executor },
        { provide: CrudQueries, useValue: runtime.queries },
        CrudLifecycle,
        CrudCommandHandler,
        ...crudQueryHandlers,
      ],
    };
  }
}
