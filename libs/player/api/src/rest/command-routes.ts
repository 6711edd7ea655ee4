import type { CommandBus } from '@nestjs/cqrs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlayerCommand } from '@qf/player-domain';
import { EncodedAnswer, type AcceptedCommand, type CommandResult } from '@qf/contracts';
import { ExecutePlayerCommand } from '../commands/execute-player-command.command';
import { translateCommand } from '../command-translation';
import { HandlerDeadlines } from './handler-deadlines';

type Mode = 'wait' | 'async';
type CommandAnswer = CommandResult | AcceptedCommand | EncodedAnswer;

const PROBLEM_JSON = 'application/problem+json';
const JSON_UTF8 = 'application/json; charset=utf-8';

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

const wantsAsync = (prefer: string | string[] | undefined): boolean => {
  const value = headerValue(prefer);
  return value !== undefined && /(^|[,\s])respond-async\b/i.test(value);
};

/** Writes a command's answer: the processor's bytes as they are, or the handler's object as JSON. */
const sendAnswer = (
  reply: FastifyReply,
  command: PlayerCommand,
  mode: Mode,
  answer: CommandAnswer,
) => {
  void reply.header('x-command-id', command.metadata.commandId);
  if (answer instanceof EncodedAnswer && answer.isProblem)
    return reply.code(answer.status).header('content-type', PROBLEM_JSON).send(answer.body);
  if (mode === 'async')
    return reply
      .code(202)
      .header('preference-applied', 'respond-async')
      .header(
        'location',
        `/commands/${encodeURIComponent(command.metadata.commandId)}?playerId=${command.data.playerId}`,
      )
      .send(answer);
  if (command.type === 'RegisterPlayer')
    void reply.code(201).header('location', `/players/${command.data.playerId}`);
  return answer instanceof EncodedAnswer
    ? reply.header('content-type', JSON_UTF8).send(answer.body)
    : reply.send(answer);
};

const execute = (
  commandBus: CommandBus,
  deadlines: HandlerDeadlines,
  request: FastifyRequest,
  reply: FastifyReply,
  action: string,
  playerId: string | undefined,
): Promise<FastifyReply | undefined> => {
  const { headers } = request;
  const idempotencyKey = headerValue(headers['idempotency-key']);
  const correlationId = headerValue(headers['x-correlation-id']);
  // Throws 400 (REQUEST.MALFORMED) for a bad body, id or key: the error handler answers it.
  const { command, requestHash } = translateCommand({
    action,
    body: request.body,
    ...(playerId !== undefined ? { playerId } : {}),
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(correlationId !== undefined ? { correlationId } : {}),
  });
  const mode: Mode = wantsAsync(headers['prefer']) ? 'async' : 'wait';
  const deadline = deadlines.track(reply);
  // Past the deadline the client already has its 504: the late answer or error is dropped.
  return commandBus
    .execute<ExecutePlayerCommand, CommandAnswer>(
      new ExecutePlayerCommand(command, requestHash, mode),
    )
    .then(
      (answer) => (deadline.finish() ? sendAnswer(reply, command, mode, answer) : undefined),
      (error: unknown) => {
        if (deadline.finish()) throw error;
        return undefined;
      },
    );
};

export interface CommandRoutesOptions {
  /** QF_REQUEST_TIMEOUT_MS: a command still undecided after this answers 504. */
  readonly timeoutMs: number;
}

/**
 * POST /players and POST /players/{id}/{action} as plain Fastify routes registered by the
 * Nest app: validate and translate (zod schemas of @qf/contracts), hand the command to the
 * app's handler through the CommandBus, answer. The hot path of both architectures' write
 * APIs; measured, Nest's router (parameter decorators, interceptor and exception-filter
 * chains, response controller) cost more per command than the rest of the route, while
 * the CommandBus costs next to nothing, so the bus stays and the router goes (ADR 0005).
 * Errors go to the Fastify error handler, which answers problem+json like ProblemFilter
 * (a 400 names its field). QF_API_TOKEN is an onRequest hook of the app (createHttpApp),
 * present only when a token is set; the time limit is HandlerDeadlines (no timer per request).
 */
export const registerCommandRoutes = (
  fastify: FastifyInstance,
  commandBus: CommandBus,
  options: CommandRoutesOptions,
): void => {
  const deadlines = new HandlerDeadlines(options.timeoutMs);
  fastify.addHook('onClose', async () => deadlines.stop());
  fastify.post('/players', (request, reply) =>
    execute(commandBus, deadlines, request, reply, 'register', undefined),
  );
  fastify.post<{ Params: { playerId: string; action: string } }>(
    '/players/:playerId/:action',
    (request, reply) =>
      execute(
        commandBus,
        deadlines,
        request,
        reply,
        request.params.action,
        request.params.playerId,
      ),
  );
};
