import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CommandProcessor } from '@qf/player-es-write';
import { HealthChecks } from '@qf/shared-observability';

/** Joins the consumer group when the app starts; on SIGTERM finishes the transactions in flight and leaves. */
@Injectable()
export class ProcessorLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly health: HealthChecks,
  ) {}

  async onModuleInit(): Promise<void> {
    this.health.register('consumer', async () => this.processor.health());
    // A slot stuck in a retry loop (or restoring for long) is named here, not hidden.
    this.health.register('slots', async () => this.processor.readiness());
    this.health.describe('partitions', () => this.processor.ownedPartitions());
    this.health.describe('slots', () => this.processor.ownedSlots());
    await this.processor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.processor.stop();
  }
}
