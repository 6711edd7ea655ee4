import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { HealthChecks } from './health';
import { createLogger } from './json-logger';
import { refuseToRun } from './refuse-to-run';

/**
 * What a service runs around its HTTP server, in the order Nest starts and stops it:
 * checks registered at module init; background work started once the app is up; on
 * SIGTERM the work stopped (after a start in progress settled) while the servers drain,
 * then the clients closed after the servers stopped.
 */
export interface ServiceRuntime {
  /** The service's name, for the log line of a start that must not be retried. */
  readonly service: string;
  /** Registers the service's checks on /health. */
  readonly health?: (checks: HealthChecks) => void;
  /**
   * Starts the background work (joining a consumer group …). Retry inside, with
   * startUntilJoined (@qf/shared-kafka) while `stopping()` is false; a throw ends the
   * process with one "refusing to run" line (a setting that will not fix itself).
   */
  readonly start?: (stopping: () => boolean) => Promise<unknown>;
  /** Stops the background work; runs before the servers close. */
  readonly stop?: () => Promise<void>;
  /** Closes clients (Mongo, Redis …); runs after the servers stopped taking requests. */
  readonly close?: () => Promise<void>;
}

const SERVICE_RUNTIME = Symbol('ServiceRuntime');

/** The one Nest lifecycle that runs a ServiceRuntime (see serviceRuntimeProviders). */
@Injectable()
export class ServiceLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private stopping = false;
  private starting?: Promise<unknown>;

  constructor(
    @Inject(SERVICE_RUNTIME) private readonly runtime: ServiceRuntime,
    private readonly health: HealthChecks,
  ) {}

  onModuleInit(): void {
    this.runtime.health?.(this.health);
  }

  onApplicationBootstrap(): void {
    const log = createLogger(this.runtime.service);
    this.starting = this.runtime
      .start?.(() => this.stopping)
      .catch((error: unknown) => refuseToRun(log, error));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.runtime.stop?.();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close?.();
  }
}

/** Providers for an app module: its runtime and the lifecycle that runs it. */
export const serviceRuntimeProviders = (runtime: ServiceRuntime): Provider[] => [
  { provide: SERVICE_RUNTIME, useValue: runtime },
  ServiceLifecycle,
];
