import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthChecks } from './health';
import { metricsRegistry } from './metrics';

/**
 * GET /metrics (Prometheus text), GET /health/live, GET /health/ready, and GET /health
 * (the same answer as /health/ready, for older probes and scripts).
 * - live: 200 while the process works, 503 when only a restart helps;
 * - ready: 200 `ok`, 200 `degraded` (serving, with reasons: a partition stuck retrying …),
 *   503 `unavailable` (a dependency does not answer: keep traffic away, do not restart).
 */
@Controller()
export class ObservabilityController {
  constructor(private readonly health: HealthChecks) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    await reply
      .header('content-type', metricsRegistry.contentType)
      .send(await metricsRegistry.metrics());
  }

  @Get('health/live')
  async live(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.liveness();
    await reply.status(report.status === 'ok' ? 200 : 503).send(report);
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.health.readiness();
    await reply.status(report.status === 'unavailable' ? 503 : 200).send(report);
  }

  @Get('health')
  async healthz(@Res() reply: FastifyReply): Promise<void> {
    await this.ready(reply);
  }
}
