import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { PlayerApiModule } from '@qf/player-api';
import { CommandGateway, gatewayConfig } from '@qf/player-es-write';
import { ObservabilityModule, serviceRuntimeProviders } from '@qf/shared-observability';
import { CommandStatusHandler } from './command-status.handler';
import { gatewayRuntime } from './gateway.lifecycle';
import { SubmitCommandHandler } from './submit-command.handler';

/** The command gateway: the shared REST + gRPC command API in front of Kafka request-reply. */
@Module({})
export class CommandGatewayModule {
  static forRoot(options: { grpcPort: number }): DynamicModule {
    // A fresh id per process: replies are addressed to a running instance, not to a replica slot.
    const gateway = new CommandGateway(
      gatewayConfig(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
    );
    return {
      module: CommandGatewayModule,
      imports: [
        ObservabilityModule,
        PlayerApiModule.forRoot({
          commands: true,
          queries: false,
          commandStatus: true,
          grpcPort: options.grpcPort,
        }),
      ],
      providers: [
        { provide: CommandGateway, useValue: gateway },
        ...serviceRuntimeProviders(gatewayRuntime(gateway)),
        SubmitCommandHandler,
        CommandStatusHandler,
      ],
    };
  }
}
