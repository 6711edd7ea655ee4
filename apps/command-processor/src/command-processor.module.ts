import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Module } from '@nestjs/common';
import { CommandProcessor, processorConfig } from '@qf/player-es-write';
import { ObservabilityModule } from '@qf/shared-observability';
import { processorFaults } from './processor-faults';
import { ProcessorLifecycle } from './processor.lifecycle';

/** The command processor has no public API: /metrics and /health only. */
@Module({
  imports: [ObservabilityModule],
  providers: [
    {
      provide: CommandProcessor,
      useFactory: () =>
        new CommandProcessor(
          processorConfig(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
          processorFaults(),
        ),
    },
    ProcessorLifecycle,
  ],
})
export class CommandProcessorModule {}
