import { type DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule, serviceRuntimeProviders } from '@qf/shared-observability';
import { processorFaults } from './processor-faults';
import { processorRuntime } from './processor.lifecycle';

/** The command processor has no public API: /metrics and /health only. */
@Module({})
export class CommandProcessorModule {
  static forRoot(): DynamicModule {
    return {
      module: CommandProcessorModule,
      imports: [ObservabilityModule],
      providers: serviceRuntimeProviders(processorRuntime(processorFaults())),
    };
  }
}
