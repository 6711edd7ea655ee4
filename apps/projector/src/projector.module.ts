import { type DynamicModule, Module } from '@nestjs/common';
import type { Projector } from '@qf/player-read-model';
import type { ProjectionControlLoop, ProjectionStatus } from '@qf/projections';
import { startUntilJoined } from '@qf/shared-kafka';
import {
  createLogger,
  ObservabilityModule,
  serviceRuntimeProviders,
  type ServiceRuntime,
} from '@qf/shared-observability';
import { PROJECTION_STATUS, ProjectionsController } from './projections.controller';

/** The projector's parts, built in main.ts. */
export interface ProjectorRuntime {
  readonly projector: Projector;
  /** Topics and indexes; retried with the start while Kafka or Mongo is away. */
  readonly prepare: () => Promise<void>;
  readonly ping: () => Promise<void>;
  /** The pause switch and the replica report (qf projections). */
  readonly control: ProjectionControlLoop;
  /** What GET /projections answers. */
  readonly status: () => Promise<ProjectionStatus>;
  /** Closes the Mongo and Redis clients, after the consumer left the group. */
  readonly close: () => Promise<void>;
}

const log = createLogger('projector');

const service = (runtime: ProjectorRuntime): ServiceRuntime => ({
  service: 'projector',
  health: (checks) => {
    checks.register('mongo', async () => {
      await runtime.ping();
      return true;
    });
    checks.register('kafka', async () => runtime.projector.health());
    checks.registerLive('consumer', async () => runtime.projector.liveness());
    checks.registerDegradation('partitions', () => runtime.projector.stuckPartitions());
    checks.describe('partitions', () => runtime.projector.partitions());
  },
  // Joins the group once Kafka and Mongo answer (retrying meanwhile); on SIGTERM leaves it cleanly.
  start: (stopping) => {
    runtime.control.start();
    return startUntilJoined({
      start: async () => {
        await runtime.prepare();
        await runtime.projector.start();
      },
      undo: () => runtime.projector.stop(),
      stopping,
      onRetry: (attempt, error) =>
        log.warn('projector could not start; retrying', { attempt, error: error.message }),
    });
  },
  stop: async () => {
    await runtime.control.stop();
    await runtime.projector.stop();
  },
  close: runtime.close,
});

/** projector: /metrics, /health and /projections over HTTP; the work is the consumer group. */
@Module({})
export class ProjectorModule {
  static forRoot(runtime: ProjectorRuntime): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [ObservabilityModule],
      controllers: [ProjectionsController],
      providers: [
        { provide: PROJECTION_STATUS, useValue: runtime.status },
        ...serviceRuntimeProviders(service(runtime)),
      ],
    };
  }
}
