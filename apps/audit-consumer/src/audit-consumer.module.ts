import { type DynamicModule, Module } from '@nestjs/common';
import type { Db, MongoClient } from 'mongodb';
import type { AuditConsumer } from '@qf/player-crud';
import { startUntilJoined } from '@qf/shared-kafka';
import {
  createLogger,
  ObservabilityModule,
  serviceRuntimeProviders,
  type ServiceRuntime,
} from '@qf/shared-observability';

export interface AuditRuntime {
  readonly client: MongoClient;
  readonly db: Db;
  readonly consumer: AuditConsumer;
  /** Creates the topics; retried with the consumer start while Kafka is away. */
  readonly prepare: () => Promise<void>;
}

const log = createLogger('audit-consumer');

/** Joins the group once Kafka answers (retrying meanwhile); on SIGTERM leaves it, then closes Mongo. */
const service = (runtime: AuditRuntime): ServiceRuntime => ({
  service: 'audit-consumer',
  health: (checks) => {
    checks.register('mongo', async () => {
      await runtime.db.command({ ping: 1 });
      return true;
    });
    checks.register('kafka', async () => runtime.consumer.health());
    checks.registerLive('consumer', async () => runtime.consumer.liveness());
    checks.registerDegradation('partitions', () => runtime.consumer.stuckPartitions());
  },
  start: (stopping) =>
    startUntilJoined({
      start: async () => {
        await runtime.prepare();
        await runtime.consumer.start();
      },
      undo: () => runtime.consumer.stop(),
      stopping,
      onRetry: (attempt, error) =>
        log.warn('could not join the audit consumer group; retrying', {
          attempt,
          error: error.message,
        }),
    }),
  stop: () => runtime.consumer.stop(),
  close: () => runtime.client.close(),
});

/** audit-consumer: only /metrics and /health over HTTP; the work is the consumer group. */
@Module({})
export class AuditConsumerModule {
  static forRoot(runtime: AuditRuntime): DynamicModule {
    return {
      module: AuditConsumerModule,
      imports: [ObservabilityModule],
      providers: serviceRuntimeProviders(service(runtime)),
    };
  }
}
