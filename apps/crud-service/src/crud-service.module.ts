import { type DynamicModule, Module } from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import { PlayerApiModule } from '@qf/player-api';
import { CrudCommandExecutor, CrudQueries, type AuditPublisher } from '@qf/player-crud';
import {
  ObservabilityModule,
  serviceRuntimeProviders,
  type ServiceRuntime,
} from '@qf/shared-observability';
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

const service = (runtime: CrudRuntime): ServiceRuntime => ({
  service: 'crud-service',
  health: (checks) => {
    checks.register('mongo', async () => {
      await runtime.db.command({ ping: 1 });
      return true;
    });
    checks.describe('auditMode', () => runtime.executor.mode);
  },
  // After the HTTP server stopped taking requests.
  close: async () => {
    await runtime.publisher?.close().catch(() => undefined);
    await runtime.client.close();
  },
});

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
        { provide: CrudCommandExecutor, useValue: runtime.executor },
        { provide: CrudQueries, useValue: runtime.queries },
        ...serviceRuntimeProviders(service(runtime)),
        CrudCommandHandler,
        ...crudQueryHandlers,
      ],
    };
  }
}
