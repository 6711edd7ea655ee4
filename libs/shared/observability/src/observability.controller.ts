import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthChecks } from './health';
import { metricsRegistry } from './metrics';

/** GET /metrics (Prometheus text) and GET /health (200 when every check passes, else 503). */
@Controller()
export class ObservabilityController {
  constructor(private readonly health: HealthChecks) {}

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    await reply.header('content-type', metricsRegistry.contentType).send(await metricsRegistry.metrics());
  }

  @Get('health')
  async healthz(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.health.run();
    await reply.status(result.status === 'ok' ? 200 : 503).send(result);
  }
}
