import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { type DynamicModule, Module } from '@nestjs/common';
import { PlayerApiModule } from '@qf/player-api';
import { CommandGateway, gatewayConfig } from '@qf/player-es-write';
import { ObservabilityModule } from '@qf/shared-observability';
import { CommandStatusHandler } from './command-status.handler';
import { GatewayLifecycle } from './gateway.lifecycle';
import { SubmitCommandHandler } from './submit-command.handler';

/** The command gateway: the shared REST + gRPC command API in front of Kafka request-reply. */
@Module({})
export class CommandGatewayModule {
  static forRoot(options: { grpcPort: number }): DynamicModule {
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
        // A fresh id per process: replies are addressed to a running instance, not to a replica slot.
        {
          provide: CommandGateway,
          useFactory: () =>
            new CommandGateway(
              gatewayConfig(`${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`),
            ),
        },
        GatewayLifecycle,
        SubmitCommandHandler,
        CommandStatusHandler,
      ],
    };
  }
}
