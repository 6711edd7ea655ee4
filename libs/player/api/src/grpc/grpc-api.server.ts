/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader builds service definitions at run time, untyped */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiError,
  EncodedAnswer,
  HEALTH_PROTO,
  PLAYERS_PROTO,
  problemFor,
  problemToApiError,
  type AcceptedCommand,
  type CommandResult,
  type CommandStatus,
  type ProblemFields,
} from '@qf/contracts';
import { bearerTokenMatches, counter, createLogger } from '@qf/shared-observability';
import { listenHost } from '@qf/shared-observability/http';
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

const deadlinesExceeded = counter({
  name: 'qf_grpc_deadline_exceeded_total',
  help: "gRPC calls the server answered DEADLINE_EXCEEDED because the caller's deadline passed",
  labelNames: ['started'],
});

const packageDefinition = protoLoader.loadSync([PLAYERS_PROTO, HEALTH_PROTO], {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const questfleet = (grpc.loadPackageDefinition(packageDefinition) as any).questfleet.v1;

/** What every call goes through: the bearer token (when one is set) and a time limit. */
export interface GrpcCallPolicy {
  readonly apiToken?: string;
  readonly timeoutMs: number;
}

const unauthenticated = () =>
  new ApiError(
    'AUTH.UNAUTHENTICATED',
    401,
    'this service wants metadata authorization: Bearer <QF_API_TOKEN>',
  );

const isAuthorized = (policy: GrpcCallPolicy, metadata: grpc.Metadata): boolean =>
  !policy.apiToken ||
  bearerTokenMatches(String(metadata.get('authorization')[0] ?? ''), policy.apiToken);

const retryHint = (context: CallContext) =>
  context.commandId ? `; retry with idempotency key ${context.commandId}` : '';

/** The caller's deadline passed first: DEADLINE_EXCEEDED (a command carries its id to retry with). */
const deadlineExceeded = (context: CallContext) =>
  new ApiError(
    'REQUEST.DEADLINE_EXCEEDED',
    504,
    context.commandId
      ? `the call's deadline passed before the decision${retryHint(context)}`
      : "the call's deadline passed before the answer",
    context.commandId ? { commandId: context.commandId } : {},
    true,
  );

/** The server's own time limit (QF_REQUEST_TIMEOUT_MS) passed first. */
const timedOut = (ms: number, context: CallContext) =>
  new ApiError(
    'REQUEST.TIMEOUT',
    504,
    `no answer within ${ms} ms${context.commandId ? retryHint(context) : '; retry later'}`,
    context.commandId ? { commandId: context.commandId } : {},
    true,
  );

/**
 * Every call is refused UNAUTHENTICATED without the bearer token (when one is set), and
 * every error becomes a gRPC status from the same problem mapping REST uses, with a
 * google.rpc.Status trailer (ErrorInfo, BadRequest). Time is bounded twice: by the
 * server's own limit (REQUEST.TIMEOUT) and by the caller's deadline, whichever comes
 * first: a call whose deadline has passed is not started, and one that outlives it is
 * answered DEADLINE_EXCEEDED (a command with its id, to retry idempotently) just before it.
 */
const unary =
  (
    policy: GrpcCallPolicy,
    work: (request: Record<string, any>, context: CallContext) => Promise<unknown>,
  ): Handler =>
  (call, callback) => {
    const context: CallContext = {};
    let answered = false;
    const fail = (error: unknown) => {
      if (answered) return;
      answered = true;
      const problem = problemFor(error);
      if (problem.code === 'INTERNAL') log.error('unhandled error', { error });
      callback(serviceErrorOf(problem), null);
    };
    if (!isAuthorized(policy, call.metadata)) return fail(unauthenticated());
    const deadline = call.getDeadline();
    const remaining =
      (deadline instanceof Date ? deadline.getTime() : Number(deadline)) -
      Date.now() -
      DEADLINE_MARGIN_MS;
    if (remaining <= 0) {
      deadlinesExceeded.inc({ started: 'no' });
      return fail(deadlineExceeded(context));
    }
    const callerFirst = remaining < policy.timeoutMs;
    const timer = setTimeout(
      () => {
        if (!callerFirst) return fail(timedOut(policy.timeoutMs, context));
        deadlinesExceeded.inc({ started: 'yes' });
        fail(deadlineExceeded(context));
      },
      callerFirst ? remaining : policy.timeoutMs,
    );
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
const bodyFor = (
  rpc: keyof typeof commandActionsByRpc,
  request: Record<string, any>,
): Record<string, unknown> => {
  switch (rpc) {
    case 'RegisterPlayer':
      return {
        ...(request['playerId'] ? { playerId: request['playerId'] } : {}),
        name: request['name'],
        startRoom: request['startRoom'],
      };
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

/**
 * The server as seen by a service that adds streaming handlers (reflection): each stream is
 * refused UNAUTHENTICATED without the bearer token, when one is set.
 */
const guardedStreams = (server: grpc.Server, policy: GrpcCallPolicy): grpc.Server => {
  if (!policy.apiToken) return server;
  const guard =
    (handler: (call: grpc.ServerDuplexStream<unknown, unknown>) => void) =>
    (call: grpc.ServerDuplexStream<unknown, unknown>) => {
      if (isAuthorized(policy, call.metadata)) return handler(call);
      call.emit('error', serviceErrorOf(problemFor(unauthenticated())));
    };
  return new Proxy(server, {
    get: (target, property, receiver) =>
      property === 'addService'
        ? (service: grpc.ServiceDefinition, implementation: Record<string, any>) =>
            target.addService(
              service,
              Object.fromEntries(
                Object.entries(implementation).map(([name, handler]) => [name, guard(handler)]),
              ),
            )
        : Reflect.get(target, property, receiver),
  });
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
    private readonly policy: GrpcCallPolicy = { timeoutMs: 10_000 },
  ) {
    if (buses.queryBus) this.queries = new PlayerQueriesController(buses.queryBus);
    if (buses.commandBus)
      this.server.addService(questfleet.PlayerCommands.service, {
        ...this.commandHandlers(buses.commandBus),
        ...(buses.statusBus
          ? { GetCommandStatus: this.commandStatusHandler(buses.statusBus) }
          : {}),
      });
    if (this.queries)
      this.server.addService(questfleet.PlayerQueries.service, this.queryHandlers(this.queries));
    const services = [
      ...(buses.commandBus ? ['questfleet.v1.PlayerCommands'] : []),
      ...(this.queries ? ['questfleet.v1.PlayerQueries'] : []),
    ];
    addHealthService(this.server, services, buses.healthy ?? (async () => true));
    // Server reflection (v1 and v1alpha): grpcurl list / describe work without the .proto files,
    // behind the same token as the API (it describes it); health stays open like GET /health.
    new ReflectionService(packageDefinition).addToServer(guardedStreams(this.server, policy));
  }

  private commandHandlers(commandBus: CommandBus): Record<string, Handler> {
    return Object.fromEntries(
      Object.entries(commandActionsByRpc).map(([rpc, action]) => [
        rpc,
        unary(this.policy, async (request, context) => {
          const options = (request['options'] ?? {}) as {
            idempotencyKey?: string;
            async?: boolean;
          };
          const { command, requestHash } = translateCommand({
            action,
            ...(rpc === 'RegisterPlayer' ? {} : { playerId: request['playerId'] }),
            body: bodyFor(rpc as keyof typeof commandActionsByRpc, request),
            ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
          });
          context.commandId = command.metadata.commandId;
          const result = await commandBus.execute<
            ExecutePlayerCommand,
            CommandResult | AcceptedCommand | EncodedAnswer
          >(new ExecutePlayerCommand(command, requestHash, options.async ? 'async' : 'wait'));
          return commandResponseToGrpc(
            result instanceof EncodedAnswer ? decodeAnswer(result) : result,
          );
        }),
      ]),
    );
  }

  private commandStatusHandler(statusBus: QueryBus): Handler {
    return unary(this.policy, async (request) => {
      const question = commandStatusQuery(
        request['commandId'],
        request['playerId'] ? { playerId: request['playerId'] } : {},
      );
      return commandStatusToGrpc(
        singleStatus(
          question,
          await statusBus.execute<GetCommandStatusQuery, CommandStatus[]>(question),
        ),
      );
    });
  }

  // Query arguments go through the REST controller's parsing, so both protocols validate alike.
  private queryHandlers(queries: PlayerQueriesController): Record<string, Handler> {
    const optional = (value: unknown) => (value ? String(value) : undefined);
    return {
      GetPlayer: unary(this.policy, async (r) =>
        playerToGrpc(
          await queries.getPlayer(r['playerId'], {
            ...(r['minVersion'] ? { minVersion: String(r['minVersion']) } : {}),
          }),
        ),
      ),
      GetRoomPlayers: unary(this.policy, async (r) =>
        roomToGrpc(
          await queries.getRoomPlayers(r['roomId'], {
            ...(r['limit'] ? { limit: String(r['limit']) } : {}),
            ...(r['pageToken'] ? { after: r['pageToken'] } : {}),
          }),
        ),
      ),
      GetLeaderboard: unary(this.policy, async (r) =>
        leaderboardToGrpc(
          await queries.getLeaderboard({
            ...(r['limit'] ? { limit: String(r['limit']) } : {}),
            ...(r['pageToken'] ? { after: r['pageToken'] } : {}),
          }),
        ),
      ),
      GetHistory: unary(this.policy, async (r) =>
        historyToGrpc(
          await queries.getHistory(r['playerId'], {
            ...(r['fromVersion'] ? { fromVersion: String(r['fromVersion']) } : {}),
            ...(r['limit'] ? { limit: String(r['limit']) } : {}),
          }),
        ),
      ),
      GetStateAt: unary(this.policy, async (r) =>
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
  start(port: number, host = listenHost()): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.bindAsync(
        `${host}:${port}`,
        grpc.ServerCredentials.createInsecure(),
        (error, bound) =>
          error
            ? reject(new Error(`gRPC could not bind ${host}:${port}: ${error.message}`))
            : resolve(bound),
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
