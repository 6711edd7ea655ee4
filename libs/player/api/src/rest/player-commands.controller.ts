import { Body, Controller, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import type { AcceptedCommand, CommandResult } from '@qf/contracts';
import { ExecutePlayerCommand } from '../commands/execute-player-command.command';
import { translateCommand, type CommandRequest } from '../command-translation';

type CommandHeaders = Record<string, string | undefined>;

const wantsAsync = (headers: CommandHeaders) => /(^|[,\s])respond-async\b/i.test(headers['prefer'] ?? '');

/** POST /players and POST /players/{id}/{action}: validate, translate, hand to the app's handler. */
@Controller('players')
export class PlayerCommandsController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  register(@Body() body: unknown, @Headers() headers: CommandHeaders, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.execute({ action: 'register', body }, headers, reply);
  }

  @Post(':playerId/:action')
  @HttpCode(200)
  act(
    @Param('playerId') playerId: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Headers() headers: CommandHeaders,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.execute({ action, playerId, body }, headers, reply);
  }

  private async execute(request: Omit<CommandRequest, 'idempotencyKey'>, headers: CommandHeaders, reply: FastifyReply) {
    const idempotencyKey = headers['idempotency-key'];
    const correlationId = headers['x-correlation-id'];
    const { command, requestHash } = translateCommand({
      ...request,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      ...(correlationId !== undefined ? { correlationId } : {}),
    });
    const mode = wantsAsync(headers) ? 'async' : 'wait';
    const result = await this.commandBus.execute<ExecutePlayerCommand, CommandResult | AcceptedCommand>(
      new ExecutePlayerCommand(command, requestHash, mode),
    );
    void reply.header('x-command-id', command.metadata.commandId);
    if (mode === 'async') {
      void reply.status(202).header('preference-applied', 'respond-async');
    } else if (command.type === 'RegisterPlayer') {
      void reply.header('location', `/players/${command.data.playerId}`);
    }
    return result;
  }
}
