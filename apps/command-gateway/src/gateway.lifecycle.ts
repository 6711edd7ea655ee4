import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CommandGateway } from '@qf/player-es-write';
import { isTopicRefusal } from '@qf/shared-kafka';
import { createLogger, HealthChecks, refuseToRun } from '@qf/shared-observability';

const RETRY_START_MS = 2000;

/**
 * Starts the gateway's Kafka side before the API listens. When Kafka is not there yet the
 * service still starts (commands answer 503, /health says why) and keeps trying.
 */
@Injectable()
export class GatewayLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly log = createLogger('command-gateway', 'lifecycle');
  private retry?: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    private readonly gateway: CommandGateway,
    private readonly health: HealthChecks,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('kafka', async () => this.gateway.health());
    this.health.describe('replyPartition', () => this.gateway.replyPartition);
    await this.tryStart();
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearTimeout(this.retry);
    await this.gateway.stop();
  }

  private async tryStart(): Promise<void> {
    try {
      await this.gateway.start();
    } catch (error) {
      if (this.shuttingDown) return;
      // Topics that could lose history (or another partition count) do not fix themselves.
      if (isTopicRefusal(error)) refuseToRun(this.log, error);
      this.log.error('could not start the Kafka side; retrying', {
        error,
        retryInMs: RETRY_START_MS,
      });
      this.retry = setTimeout(() => void this.tryStart(), RETRY_START_MS);
    }
  }
}
