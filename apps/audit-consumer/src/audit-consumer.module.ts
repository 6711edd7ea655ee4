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
import type { AuditConsumer } from '@qf/player-crud';
import { startUntilJoined } from '@qf/shared-kafka';
import {
  createLogger,
  HealthChecks,
  ObservabilityModule,
  refuseToRun,
} from '@qf/shared-observability';

export interface AuditRuntime {
  readonly client: MongoClient;
  readonly db: Db;
  readonly consumer: AuditConsumer;
  /** Creates the topics; retried with the consumer start while Kafka is away. */
  readonly prepare: () => Promise<void>;
}

const RUNTIME = Symbol('AuditRuntime');
const log = createLogger('audit-consumer');

/** Joins the group once Kafka answers (retrying meanwhile); on SIGTERM leaves it, then closes Mongo. */
@Injectable()
class AuditLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(RUNTIME) private readonly runtime: AuditRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.health.register('mongo', async () => {
      await this.runtime.db.command({ ping: 1 });
      return true;
    });
    this.health.register('kafka', async () => this.runtime.consumer.health());
    this.health.registerLive('consumer', async () => this.runtime.consumer.liveness());
    this.health.registerDegradation('partitions', () => this.runtime.consumer.stuckPartitions());
  }

  onApplicationBootstrap(): void {
    this.starting = this.startWhenKafkaAnswers().catch((error: unknown) => refuseToRun(log, error));
  }

  private async startWhenKafkaAnswers(): Promise<void> {
    await startUntilJoined({
      start: async () => {
        await this.runtime.prepare();
        await this.runtime.consumer.start();
      },
      undo: () => this.runtime.consumer.stop(),
      stopping: () => this.stopping,
      onRetry: (attempt, error) =>
        log.warn('could not join the audit consumer group; retrying', {
          attempt,
          error: error.message,
        }),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.runtime.consumer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.client.close();
  }
}

/** audit-consumer: only /metrics and /health over HTTP; the work is the consumer group. */
@Module({})
export class AuditConsumerModule {
  static forRoot(runtime: AuditRuntime): DynamicModule {
    return {
      module: AuditConsumerModule,
      imports: [ObservabilityModule],
      providers: [{ provide: RUNTIME, useValue: runtime }, AuditLifecycle],
    };
  }
}
