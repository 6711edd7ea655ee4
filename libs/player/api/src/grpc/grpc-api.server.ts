/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader builds service definitions at run time, untyped */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiError, EncodedAnswer, HEALTH_PROTO, PLAYERS_PROTO, problemFor, problemToApiError, type AcceptedCommand, type CommandResult, type CommandStatus, type ProblemFields } from '@qf/contracts';
import { counter, createLogger } from '@qf/shared-observability';
import { translateCommand } from '../command-translation';
import { ExecutePlayerCommand } from '../commands/execute-player-command.command';
import { singleStatus, type GetCommandStatusQuery } from '../queries/command-status.query';
import { commandStatusQuery } from '../rest/command-status.controller';
import { PlayerQueriesController } from '../rest/player-queries.controller';
import {
  commandResponseToGrpc,
  commandStatusToGrpc,
  historyToGrpc,
  leaderboardToGrpc,
  playerToGrpc,
  roomToGrpc,
  stateAtToGrpc,
} from './grpc-mappers';
import { addHealthService } from './grpc-health.service';
import { serviceErrorOf } from './rich-status';

const log = createLogger(process.env['QF_SERVICE'] ?? 'api', 'grpc');

type Handler = grpc.handleUnaryCall<Record<string, any>, unknown>;
/** What a handler learned that an error answer should carry (the command id to retry with). */
type CallContext = { commandId?: string };

/** Answer this long before the caller's deadline, so the rich status reaches it in time. */
const DEADLINE_MARGIN_MS = 20;

const deadlinesExceeded = counter({ name: 'qf_grpc_deadline_exceeded_total', help: 'gRPC calls the server answered DEADLINE_EXCEEDED because the caller\'s deadline passed', labelNames: ['started'] });

const packageDefinition = protoLoader.loadSync([PLAYERS_PROTO, HEALTH_PROTO], { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
const questfleet = (grpc.loadPackageDefinition(packageDefinition) as any).questfleet.v1;

const deadlineExceeded = (context: CallContext) =>
  new ApiError(
    'REQUEST.DEADLINE_EXCEEDED',
    504,
    context.commandId ? `the call's deadline passed before the decision; retry with idempotency key ${context.commandId}` : "the call's deadline passed before the answer",
    context.commandId ? { commandId: context.commandId } : {},
    true,
  );

/**
 * Every error becomes a gRPC status from the same problem mapping REST uses, with a
 * google.rpc.Status trailer (ErrorInfo, BadRequest). The caller's deadline is honoured:
 * a call whose deadline has passed is not started, and one that outlives it is answered
 * DEADLINE_EXCEEDED (a command with its id, to retry idempotently) just before it.
 */
const unary =
  (work: (request: Record<string, any>, context: CallContext) => Promise<unknown>): Handler =>
  (call, callback) => {
    const context: CallContext = {};
    const deadline = call.getDeadline();
    const remaining = (deadline instanceof Date ? deadline.getTime() : Number(deadline)) - Date.now() - DEADLINE_MARGIN_MS;
    let answered = false;
    const fail = (error: unknown) => {
      if (answered) return;
      answered = true;
      const problem = problemFor(error);
      if (problem.code === 'INTERNAL') log.error('unhandled error', { error });
      callback(serviceErrorOf(problem), null);
    };
    if (remaining <= 0) {
      deadlinesExceeded.inc({ started: 'no' });
      return fail(deadlineExceeded(context));
    }
    const timer = Number.isFinite(remaining)
      ? setTimeout(() => {
          deadlinesExceeded.inc({ started: 'yes' });
          fail(deadlineExceeded(context));
        }, remaining)
      : undefined;
    work(call.request, context).then(
      (response) => {
        clearTimeout(timer);
        if (answered) return;
        answered = true;
        callback(null, response);
      },
      (error: unknown) => {
        clearTimeout(timer);
        fail(error);
      },
    );
  };

const commandActionsByRpc = {
  RegisterPlayer: 'register',
  MovePlayer: 'move',
  PickUpItem: 'pick-up',
  DropItem: 'drop',
  TakeDamage: 'take-damage',
  Heal: 'heal',
  GainExperience: 'gain-experience',
} as const;

/** proto3 has no "absent": an empty string or zero means the field was not given. */
const bodyFor = (rpc: keyof typeof commandActionsByRpc, request: Record<string, any>): Record<string, unknown> => {
  switch (rpc) {
    case 'RegisterPlayer':
      return { ...(request['playerId'] ? { playerId: request['playerId'] } : {}), name: request['name'], startRoom: request['startRoom'] };
    case 'MovePlayer':
      return { toRoom: request['toRoom'] };
    case 'PickUpItem':
    case 'DropItem':
      return { itemId: request['itemId'], qty: request['qty'] };
    default:
      return { amount: request['amount'] };
  }
};

/** gRPC needs the answer as an object: a pass-through answer is parsed here, a rejection thrown as its problem. */
const decodeAnswer = (answer: EncodedAnswer): CommandResult => {
  const body = JSON.parse(answer.body.toString('utf8')) as unknown;
  if (answer.isProblem) throw problemToApiError(body as ProblemFields);
  return body as CommandResult;
};

/** The questfleet.v1 gRPC server: the same operations as REST, through the same buses. */
export class GrpcApiServer {
  private readonly server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 });
  private readonly queries?: PlayerQueriesController;

  constructor(
    private readonly buses: {
      commandBus?: CommandBus;
      queryBus?: QueryBus;
      /** Answers GetCommandStatus (GetCommandStatusQuery); without it that rpc is UNIMPLEMENTED. */
      statusBus?: QueryBus;
      healthy?: () => Promise<boolean>;
    },
  ) {
    if (buses.queryBus) this.queries = new PlayerQueriesController(buses.queryBus);
    if (buses.commandBus)
      this.server.addService(questfleet.PlayerCommands.service, {
        ...this.commandHandlers(buses.commandBus),
        ...(buses.statusBus ? { GetCommandStatus: this.commandStatusHandler(buses.statusBus) } : {}),
      });
    if (this.queries) this.server.addService(questfleet.PlayerQueries.service, this.queryHandlers(this.queries));
    const services = [...(buses.commandBus ? ['questfleet.v1.PlayerCommands'] : []), ...(this.queries ? ['questfleet.v1.PlayerQueries'] : [])];
    addHealthService(this.server, services, buses.healthy ?? (async () => true));
    // Server reflection (v1 and v1alpha): grpcurl list / describe work without the .proto files.
    new ReflectionService(packageDefinition).addToServer(this.server);
  }

  private commandHandlers(commandBus: CommandBus): Record<string, Handler> {
    return Object.fromEntries(
      Object.entries(commandActionsByRpc).map(([rpc, action]) => [
        rpc,
        unary(async (request, context) => {
          const options = (request['options'] ?? {}) as { idempotencyKey?: string; async?: boolean };
          const { command, requestHash } = translateCommand({
            action,
            ...(rpc === 'RegisterPlayer' ? {} : { playerId: request['playerId'] }),
            body: bodyFor(rpc as keyof typeof commandActionsByRpc, request),
            ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
          });
          context.commandId = command.metadata.commandId;
          const result = await commandBus.execute<ExecutePlayerCommand, CommandResult | AcceptedCommand | EncodedAnswer>(
            new ExecutePlayerCommand(command, requestHash, options.async ? 'async' : 'wait'),
          );
          return commandResponseToGrpc(result instanceof EncodedAnswer ? decodeAnswer(result) : result);
        }),
      ]),
    );
  }

  private commandStatusHandler(statusBus: QueryBus): Handler {
    return unary(async (request) => {
      const question = commandStatusQuery(request['commandId'], request['playerId'] ? { playerId: request['playerId'] } : {});
      return commandStatusToGrpc(singleStatus(question, await statusBus.execute<GetCommandStatusQuery, CommandStatus[]>(question)));
    });
  }

  // Query arguments go through the REST controller's parsing, so both protocols validate alike.
  private queryHandlers(queries: PlayerQueriesController): Record<string, Handler> {
    const optional = (value: unknown) => (value ? String(value) : undefined);
    return {
      GetPlayer: unary(async (r) => playerToGrpc(await queries.getPlayer(r['playerId'], { ...(r['minVersion'] ? { minVersion: String(r['minVersion']) } : {}) }))),
      GetRoomPlayers: unary(async (r) =>
        roomToGrpc(await queries.getRoomPlayers(r['roomId'], { ...(r['limit'] ? { limit: String(r['limit']) } : {}), ...(r['pageToken'] ? { after: r['pageToken'] } : {}) })),
      ),
      GetLeaderboard: unary(async (r) =>
        leaderboardToGrpc(await queries.getLeaderboard({ ...(r['limit'] ? { limit: String(r['limit']) } : {}), ...(r['pageToken'] ? { after: r['pageToken'] } : {}) })),
      ),
      GetHistory: unary(async (r) =>
        historyToGrpc(
          await queries.getHistory(r['playerId'], {
            ...(r['fromVersion'] ? { fromVersion: String(r['fromVersion']) } : {}),
            ...(r['limit'] ? { limit: String(r['limit']) } : {}),
          }),
        ),
      ),
      GetStateAt: unary(async (r) =>
        stateAtToGrpc(
          await queries.getStateAt(r['playerId'], {
            ...(r['version'] ? { version: String(r['version']) } : {}),
            ...(optional(r['at']) ? { at: r['at'] } : {}),
          }),
        ),
      ),
    };
  }

  /** Binds and starts serving; resolves with the bound port (0 picks a free one). */
  start(port: number, host = process.env['QF_HOST'] ?? '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(new Error(`gRPC could not bind ${host}:${port}: ${error.message}`)) : resolve(bound),
      ),
    );
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      const force = setTimeout(() => this.server.forceShutdown(), 5000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}

/** Client constructors for questfleet.v1 (tests, load generator). */
export const grpcClients = {
  PlayerCommands: questfleet.PlayerCommands as grpc.ServiceClientConstructor,
  PlayerQueries: questfleet.PlayerQueries as grpc.ServiceClientConstructor,
};
