import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import type { OutboxRelay } from '@qf/player-crud';
import { HealthChecks, ObservabilityModule } from '@qf/shared-observability';

export interface RelayRuntime {
  readonly client: MongoClient;
  readonly db: Db;
  readonly relay: OutboxRelay;
}

const RUNTIME = Symbol('RelayRuntime');

/** Starts the relay loop with the app; on SIGTERM finishes the round in progress, then closes Mongo. */
@Injectable()
class RelayLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(RUNTIME) private readonly runtime: RelayRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.health.register('mongo', async () => {
      await this.runtime.db.command({ ping: 1 });
      return true;
    });
    this.health.register('kafka', async () => this.runtime.relay.health());
    this.health.describe('relay', () => ({ owner: this.runtime.relay.id }));
  }

  onApplicationBootstrap(): void {
    this.runtime.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runtime.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.client.close();
  }
}

/** outbox-relay: only /metrics and /health over HTTP; the work is the relay loop. */
@Module({})
export class OutboxRelayModule {
  static forRoot(runtime: RelayRuntime): DynamicModule {
    return {
      module: OutboxRelayModule,
      imports: [ObservabilityModule],
      providers: [{ provide: RUNTIME, useValue: runtime }, RelayLifecycle],
    };
  }
}
