import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { CommandBus, CqrsModule, QueryBus } from '@nestjs/cqrs';
import type { FastifyInstance } from 'fastify';
import { intFromEnv } from '@qf/shared-config';
import { apiTokenFromEnv, createLogger, HealthChecks } from '@qf/shared-observability';
import { DEFAULT_REQUEST_TIMEOUT_MS, ProblemFilter } from '@qf/shared-observability/http';
import { GrpcApiServer } from './grpc/grpc-api.server';
import { registerCommandRoutes } from './rest/command-routes';
import { CommandStatusController } from './rest/command-status.controller';
import { PlayerQueriesController } from './rest/player-queries.controller';

/** Which halves of the API an app serves, and on which gRPC port (none when absent). */
export interface PlayerApiOptions {
  readonly commands: boolean;
  readonly queries: boolean;
  /** GET /commands/{commandId} and gRPC GetCommandStatus (the app handles GetCommandStatusQuery). */
  readonly commandStatus?: boolean;
  readonly grpcPort?: number;
}

const OPTIONS = Symbol('PlayerApiOptions');

/** QF_REQUEST_TIMEOUT_MS: how long a REST or gRPC handler may run before the client gets 504. */
export const requestTimeoutMsFromEnv = (): number =>
  intFromEnv('QF_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, { min: 100, max: 600_000 });

/** Starts and stops the gRPC server with the Nest application. */
@Injectable()
export class GrpcLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: GrpcApiServer;
  /** The port actually bound (useful when 0 asked for a free one). */
  boundPort?: number;

  constructor(
    @Inject(OPTIONS) private readonly options: PlayerApiOptions,
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * grpc.health.v1 answers SERVING while GET /health/ready would answer 200 (ok or degraded:
   * serving, with reasons), NOT_SERVING while a dependency is unavailable; always SERVING in an
   * app without health checks.
   */
  private healthy(): () => Promise<boolean> {
    let checks: HealthChecks | undefined;
    try {
      checks = this.moduleRef.get(HealthChecks, { strict: false });
    } catch {
      checks = undefined;
    }
    return async () => (checks ? (await checks.readiness()).status !== 'unavailable' : true);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.grpcPort === undefined) return;
    const apiToken = apiTokenFromEnv();
    this.server = new GrpcApiServer(
      {
        ...(this.options.commands ? { commandBus: this.commandBus } : {}),
        ...(this.options.queries ? { queryBus: this.queryBus } : {}),
        ...(this.options.commandStatus ? { statusBus: this.queryBus } : {}),
        healthy: this.healthy(),
      },
      {
        ...(apiToken ? { apiToken } : {}),
        timeoutMs: requestTimeoutMsFromEnv(),
      },
    );
    this.boundPort = await this.server.start(this.options.grpcPort);
    createLogger(process.env['QF_SERVICE'] ?? 'api', 'grpc').info('gRPC listening', {
      port: this.boundPort,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
  }
}

/** Registers the command routes (plain Fastify routes, see command-routes.ts) on the app's Fastify instance. */
@Injectable()
export class CommandRoutes implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly commandBus: CommandBus,
  ) {}

  onModuleInit(): void {
    registerCommandRoutes(
      this.adapterHost.httpAdapter.getInstance<FastifyInstance>(),
      this.commandBus,
      { timeoutMs: requestTimeoutMsFromEnv() },
    );
  }
}

/**
 * The public API (REST + gRPC, package questfleet.v1) shared by the gateway, the query
 * service and the CRUD service, so one client drives either architecture. The app
 * provides the @CommandHandler / @QueryHandler classes that do the work.
 */
@Module({})
export class PlayerApiModule {
  static forRoot(options: PlayerApiOptions): DynamicModule {
    return {
      module: PlayerApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [
        ...(options.queries ? [PlayerQueriesController] : []),
        ...(options.commandStatus ? [CommandStatusController] : []),
      ],
      providers: [
        { provide: OPTIONS, useValue: options },
        { provide: APP_FILTER, useClass: ProblemFilter },
        GrpcLifecycle,
        ...(options.commands ? [CommandRoutes] : []),
      ],
      exports: [GrpcLifecycle],
    };
  }
}
