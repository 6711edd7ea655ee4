import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  commandStatusQuerySchema,
  describeIssues,
  idempotencyKeySchema,
  malformedRequest,
  type CommandStatus,
} from '@qf/contracts';
import { GetCommandStatusQuery, singleStatus } from '../queries/command-status.query';

/** Parses the question of GET /commands/{commandId} (REST and gRPC alike): a 400 names the field. */
export const commandStatusQuery = (commandId: unknown, query: unknown): GetCommandStatusQuery => {
  const id = idempotencyKeySchema.safeParse(commandId);
  if (!id.success)
    throw malformedRequest(
      'invalid command id',
      describeIssues(id.error).map((issue) => ({ ...issue, field: 'commandId' })),
    );
  const parsed = commandStatusQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw malformedRequest('invalid query string', describeIssues(parsed.error));
  return new GetCommandStatusQuery(id.data, parsed.data.playerId);
};

/**
 * Command status for whoever lost a command's answer (a 202, a timeout, a dropped
 * connection): what the processors decided, or that it still waits, for as long as the
 * idempotency horizon keeps the command id. The gateway app handles the query.
 */
@Controller()
export class CommandStatusController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('commands/:commandId')
  async getCommandStatus(
    @Param('commandId') commandId: string,
    @Query() query: unknown,
  ): Promise<CommandStatus> {
    const question = commandStatusQuery(commandId, query);
    return singleStatus(
      question,
      await this.queryBus.execute<GetCommandStatusQuery, CommandStatus[]>(question),
    );
  }
}
