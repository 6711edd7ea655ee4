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
import type { Projector } from '@qf/player-read-model';
import type { ProjectionControlLoop, ProjectionStatus } from '@qf/projections';
import { startUntilJoined } from '@qf/shared-kafka';
import {
  createLogger,
  HealthChecks,
  ObservabilityModule,
  refuseToRun,
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

const RUNTIME = Symbol('ProjectorRuntime');
const log = createLogger('projector');

/** Joins the group once Kafka and Mongo answer (retrying meanwhile); on SIGTERM leaves it cleanly. */
@Injectable()
class ProjectorLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private stopping = false;
  private starting?: Promise<void>;

  constructor(
    @Inject(RUNTIME) private readonly runtime: ProjectorRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.health.register('mongo', async () => {
      await this.runtime.ping();
      return true;
    });
    this.health.register('kafka', async () => this.runtime.projector.health());
    this.health.registerLive('consumer', async () => this.runtime.projector.liveness());
    this.health.registerDegradation('partitions', () => this.runtime.projector.stuckPartitions());
    this.health.describe('partitions', () => this.runtime.projector.partitions());
  }

  onApplicationBootstrap(): void {
    this.runtime.control.start();
    this.starting = this.startWhenReady().catch((error: unknown) => refuseToRun(log, error));
  }

  private async startWhenReady(): Promise<void> {
    await startUntilJoined({
      start: async () => {
        await this.runtime.prepare();
        await this.runtime.projector.start();
      },
      undo: () => this.runtime.projector.stop(),
      stopping: () => this.stopping,
      onRetry: (attempt, error) =>
        log.warn('projector could not start; retrying', { attempt, error: error.message }),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.runtime.control.stop();
    await this.runtime.projector.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

/** projector: /metrics, /health and /projections over HTTP; the work is the consumer group. */
@Module({})
export class ProjectorModule {
  static forRoot(runtime: ProjectorRuntime): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [ObservabilityModule],
      controllers: [ProjectionsController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: PROJECTION_STATUS, useValue: runtime.status },
        ProjectorLifecycle,
      ],
    };
  }
}
