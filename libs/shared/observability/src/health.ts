import { Injectable } from '@nestjs/common';

/** One dependency check: resolves to true when healthy, or a reason string when not. */
export type HealthCheck = () => Promise<true | string>;

/** The checks GET /health runs; each app registers its own (Kafka consumer joined, Mongo ping …). */
@Injectable()
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly details = new Map<string, () => unknown>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  /** Extra facts shown on /health (partitions owned, instance id …). */
  describe(name: string, detail: () => unknown): void {
    this.details.set(name, detail);
  }

  async run(): Promise<{ status: 'ok' | 'unhealthy'; checks: Record<string, true | string>; details: Record<string, unknown> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, await check()] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const details = Object.fromEntries([...this.details].map(([name, detail]) => [name, detail()]));
    return { status: entries.every(([, result]) => result === true) ? 'ok' : 'unhealthy', checks, details };
  }
}
