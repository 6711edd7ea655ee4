/* eslint-disable @typescript-eslint/no-explicit-any -- proto-loader builds service definitions at run time, untyped */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiError,
  EncodedAnswer,
  grpcStatusFor,
  PLAYERS_PROTO,
  problemFor,
  problemToApiError,
  type AcceptedCommand,
  type CommandResult,
  type ProblemFields,
} from '@qf/contracts';
import { bearerTokenMatches, createLogger } from '@qf/shared-observability';
import { translateCommand } from '../command-translation';
import { listenHost } from '../listen-host';
import { ExecutePlayerCommand } from '../commands/execute-player-command.command';
import { PlayerQueriesController } from '../rest/player-queries.controller';
import {
  commandResponseToGrpc,
  historyToGrpc,
  leaderboardToGrpc,
  playerToGrpc,
  roomToGrpc,
  stateAtToGrpc,
} from './grpc-mappers';

const log = createLogger(process.env['QF_SERVICE'] ?? 'api', 'grpc');

type Handler = grpc.handleUnaryCall<Record<string, any>, unknown>;

const packageDefinition = protoLoader.loadSync(PLAYERS_PROTO, {
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

const withinTime = <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ApiError('REQUEST.TIMEOUT', 504, `no answer within ${ms} ms; retry later`, {}, true),
        ),
      ms,
    );
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
};

/** Every error becomes a gRPC status from the same problem mapping REST uses. */
const unary =
  (policy: GrpcCallPolicy, work: (request: Record<string, any>) => Promise<unknown>): Handler =>
  (call, callback) => {
    const authorized =
      !policy.apiToken ||
      bearerTokenMatches(String(call.metadata.get('authorization')[0] ?? ''), policy.apiToken);
    (authorized
      ? withinTime(work(call.request), policy.timeoutMs)
      : Promise.reject(unauthenticated())
    ).then(
      (response) => callback(null, response),
      (error: unknown) => {
        const problem = problemFor(error);
        if (problem.code === 'INTERNAL') log.error('unhandled error', { error });
        const metadata = new grpc.Metadata();
        metadata.set('problem-code', problem.code);
        metadata.set('problem-json', JSON.stringify(problem));
        callback({ code: grpcStatusFor(problem.status), details: problem.detail, metadata }, null);
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

/** The questfleet.v1 gRPC server: the same operations as REST, through the same buses. */
export class GrpcApiServer {
  private readonly server = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 });
  private readonly queries?: PlayerQueriesController;

  constructor(
    private readonly buses: { commandBus?: CommandBus; queryBus?: QueryBus },
    private readonly policy: GrpcCallPolicy = { timeoutMs: 10_000 },
  ) {
    if (buses.queryBus) this.queries = new PlayerQueriesController(buses.queryBus);
    if (buses.commandBus)
      this.server.addService(
        questfleet.PlayerCommands.service,
        this.commandHandlers(buses.commandBus),
      );
    if (this.queries)
      this.server.addService(questfleet.PlayerQueries.service, this.queryHandlers(this.queries));
  }

  private commandHandlers(commandBus: CommandBus): Record<string, Handler> {
    return Object.fromEntries(
      Object.entries(commandActionsByRpc).map(([rpc, action]) => [
        rpc,
        unary(this.policy, async (request) => {
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
        roomToGrpc(await queries.getRoomPlayers(r['roomId'], {})),
      ),
      GetLeaderboard: unary(this.policy, async (r) =>
        leaderboardToGrpc(
          await queries.getLeaderboard({ ...(r['limit'] ? { limit: String(r['limit']) } : {}) }),
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
