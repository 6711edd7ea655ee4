import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ExecutePlayerCommand } from '@qf/player-api';
import { CommandGateway } from '@qf/player-es-write';

/** Every REST/gRPC command goes to Kafka; 'wait' resolves with the processor's decision. */
@CommandHandler(ExecutePlayerCommand)
export class SubmitCommandHandler implements ICommandHandler<ExecutePlayerCommand> {
  constructor(private readonly gateway: CommandGateway) {}

  execute({ command, requestHash, mode }: ExecutePlayerCommand) {
    return this.gateway.submit(command, requestHash, mode);
  }
}
