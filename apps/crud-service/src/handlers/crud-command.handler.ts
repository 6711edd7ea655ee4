import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AcceptedCommand, CommandResult } from '@qf/contracts';
import { ExecutePlayerCommand } from '@qf/player-api';
import { CrudCommandExecutor } from '@qf/player-crud';

/**
 * Every REST/gRPC command of the CRUD service. `async` mode (Prefer: respond-async) is
 * decided synchronously too: there is no queue to hand it to. It answers 202 with the
 * command id once accepted; a rejection is answered as a problem right away (the ES side
 * would only show it in the command's outcome).
 */
@CommandHandler(ExecutePlayerCommand)
export class CrudCommandHandler implements ICommandHandler<
  ExecutePlayerCommand,
  CommandResult | AcceptedCommand
> {
  constructor(private readonly executor: CrudCommandExecutor) {}

  async execute({
    command,
    requestHash,
    mode,
  }: ExecutePlayerCommand): Promise<CommandResult | AcceptedCommand> {
    const result = await this.executor.execute(command, requestHash);
    if (mode === 'async')
      return {
        commandId: command.metadata.commandId,
        playerId: result.playerId,
        status: 'pending',
      };
    return result;
  }
}
