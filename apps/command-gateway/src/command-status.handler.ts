import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { CommandStatus } from '@qf/contracts';
import { GetCommandStatusQuery } from '@qf/player-api';
import { CommandGateway } from '@qf/player-es-write';

/** GET /commands/{commandId} and its gRPC twin: asked of the write path's ledger. */
@QueryHandler(GetCommandStatusQuery)
export class CommandStatusHandler implements IQueryHandler<GetCommandStatusQuery, CommandStatus[]> {
  constructor(private readonly gateway: CommandGateway) {}

  execute(query: GetCommandStatusQuery): Promise<CommandStatus[]> {
    return this.gateway.commandStatus(query.commandId, query.playerId);
  }
}
