import { type DynamicModule, Module } from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import type { OutboxRelay } from '@qf/player-crud';
import {
  ObservabilityModule,
  serviceRuntimeProviders,
  type ServiceRuntime,
} from '@qf/shared-observability';

export interface RelayRuntime {
  readonly client: MongoClient;
  readonly db: Db;
  readonly relay: OutboxRelay;
}

/** Starts the relay loop with the app; on SIGTERM finishes the round in progress, then closes Mongo. */
const service = (runtime: RelayRuntime): ServiceRuntime => ({
  service: 'outbox-relay',
  health: (checks) => {
    checks.register('mongo', async () => {
      await runtime.db.command({ ping: 1 });
      return true;
    });
    checks.register('kafka', async () => runtime.relay.health());
    checks.describe('relay', () => ({ owner: runtime.relay.id }));
  },
  start: async () => runtime.relay.start(),
  stop: () => runtime.relay.stop(),
  close: () => runtime.client.close(),
});

/** outbox-relay: only /metrics and /health over HTTP; the work is the relay loop. */
@Module({})
export class OutboxRelayModule {
  static forRoot(runtime: RelayRuntime): DynamicModule {
    return {
      module: OutboxRelayModule,
      imports: [ObservabilityModule],
      providers: serviceRuntimeProviders(service(runtime)),
    };
  }
}
