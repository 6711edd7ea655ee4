import { Global, Module } from '@nestjs/common';
import { HealthChecks } from './health';
import { ObservabilityController } from './observability.controller';

/** Adds /metrics and /health to an app; HealthChecks is injectable everywhere. */
@Global()
@Module({
  controllers: [ObservabilityController],
  providers: [HealthChecks],
  exports: [HealthChecks],
})
export class ObservabilityModule {}
