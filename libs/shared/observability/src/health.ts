import { Injectable } from '@nestjs/common';
import { gauge } from './metrics';

/** One check: resolves to true when healthy, or a reason string when not. */
export type HealthCheck = () => Promise<true | string>;

/** Reasons the service works, but not fully (a partition stuck retrying, a cache away); none when fine. */
export type DegradationCheck = () => readonly string[];

/** ok: everything answers; degraded: serving, with reasons; unavailable: a dependency does not answer. */
export type ReadinessStatus = 'ok' | 'degraded' | 'unavailable';

export interface HealthReport<S extends string> {
  readonly status: S;
  readonly checks: Record<string, true | string>;
  /** Why the status is not ok, one line each. */
  readonly reasons: readonly string[];
  readonly details: Record<string, unknown>;
}

const readyGauge = gauge({
  name: 'qf_health_ready',
  help: 'Readiness at the last probe: 1 ok, 0.5 degraded, 0 unavailable',
});
const degradedGauge = gauge({
  name: 'qf_health_degraded_reasons',
  help: 'Reasons the service reported itself degraded at the last readiness probe',
});

const runChecks = async (checks: ReadonlyMap<string, HealthCheck>) =>
  Object.fromEntries(
    await Promise.all(
      [...checks].map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    ),
  ) as Record<string, true | string>;

const failures = (checks: Record<string, true | string>): string[] =>
  Object.entries(checks).flatMap(([name, result]) =>
    result === true ? [] : [`${name}: ${result}`],
  );

/**
 * What /health/live and /health/ready run. Liveness says the process itself works (a
 * restart would help when it fails: a consumer that crashed for good); readiness says its
 * dependencies answer (Kafka, Mongo …), so an outage of a dependency marks every replica
 * unready instead of restarting them all. Each app registers its own checks.
 */
@Injectable()
export class HealthChecks {
  private readonly ready = new Map<string, HealthCheck>();
  private readonly live = new Map<string, HealthCheck>();
  private readonly degradations = new Map<string, DegradationCheck>();
  private readonly details = new Map<string, () => unknown>();

  constructor() {
    // Which process answered: a supervisor checks it is the one it started, not another
    // process that holds the port (a second fleet's replica, a leftover).
    this.details.set('process', () => ({ pid: process.pid }));
  }

  /** A readiness check: a dependency that must answer (Kafka joined, Mongo ping …). */
  register(name: string, check: HealthCheck): void {
    this.ready.set(name, check);
  }

  /** A liveness check: fails only when the process cannot recover without a restart. */
  registerLive(name: string, check: HealthCheck): void {
    this.live.set(name, check);
  }

  /** Reasons the service is degraded (ready, but something needs attention). */
  registerDegradation(name: string, check: DegradationCheck): void {
    this.degradations.set(name, check);
  }

  /** Extra facts shown on the health answers (partitions owned, instance id …). */
  describe(name: string, detail: () => unknown): void {
    this.details.set(name, detail);
  }

  async liveness(): Promise<HealthReport<'ok' | 'dead'>> {
    const checks = await runChecks(this.live);
    const reasons = failures(checks);
    return {
      status: reasons.length === 0 ? 'ok' : 'dead',
      checks,
      reasons,
      details: this.detailValues(),
    };
  }

  async readiness(): Promise<HealthReport<ReadinessStatus>> {
    const checks = await runChecks(this.ready);
    const down = failures(checks);
    const degraded = [...this.degradations].flatMap(([name, check]) => {
      try {
        return check().map((reason) => `${name}: ${reason}`);
      } catch (error) {
        return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
      }
    });
    const status: ReadinessStatus =
      down.length > 0 ? 'unavailable' : degraded.length > 0 ? 'degraded' : 'ok';
    readyGauge.set(status === 'ok' ? 1 : status === 'degraded' ? 0.5 : 0);
    degradedGauge.set(degraded.length);
    return { status, checks, reasons: [...down, ...degraded], details: this.detailValues() };
  }

  private detailValues(): Record<string, unknown> {
    return Object.fromEntries([...this.details].map(([name, detail]) => [name, detail()]));
  }
}
