import * as grpc from '@grpc/grpc-js';
import { Module } from '@nestjs/common';
import {
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  QueryHandler,
} from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { initialState, tryDecide, type PlayerState } from '@qf/player-domain';
import { playerNotFound } from '@qf/contracts';
import { toCommandResult } from '@qf/player-wire';
import { createHttpApp } from '@qf/shared-observability/http';
import {
  ExecutePlayerCommand,
  GetPlayerQuery,
  grpcClients,
  GrpcLifecycle,
  PlayerApiModule,
} from './index';

// The API layer in front of the simplest real executor: the domain's decider over an
// in-process map. It checks what the layer itself owns: routing, validation, the
// problem+json / gRPC status mapping, async mode, and idempotency-key translation.
const players = new Map<string, PlayerState>();

@CommandHandler(ExecutePlayerCommand)
class InProcessCommandHandler implements ICommandHandler<ExecutePlayerCommand> {
  async execute({ command, mode }: ExecutePlayerCommand) {
    const playerId = command.data.playerId;
    if (mode === 'async')
      return { commandId: command.metadata.commandId, playerId, status: 'pending' };
    const decision = tryDecide(command, players.get(playerId) ?? initialState(playerId));
    if (!decision.ok) throw decision.error;
    players.set(playerId, decision.state);
    return toCommandResult(playerId, decision.state.version, decision.events);
  }
}

@QueryHandler(GetPlayerQuery)
class InProcessPlayerQueryHandler implements IQueryHandler<GetPlayerQuery> {
  async execute({ playerId }: GetPlayerQuery) {
    const state = players.get(playerId);
    if (!state?.registered) throw playerNotFound(playerId);
    return { playerId, name: state.name, version: state.version };
  }
}

@Module({
  imports: [PlayerApiModule.forRoot({ commands: true, queries: true, grpcPort: 0 })],
  providers: [InProcessCommandHandler, InProcessPlayerQueryHandler],
})
class TestApiModule {}

describe('player API layer (REST + gRPC)', () => {
  let app: NestFastifyApplication;
  let base: string;
  let grpcPort: number;

  beforeAll(async () => {
    app = await createHttpApp(TestApiModule, {
      service: 'api-test',
      port: 0,
      host: '127.0.0.1',
      bodyLimit: 1024,
    });
    base = await app.getUrl();
    grpcPort = app.get(GrpcLifecycle).boundPort!;
  });
  afterAll(() => app.close());

  /** A JSON response body, read as a loose record (the assertions check its shape). */
  const bodyOf = async (response: Response) => (await response.json()) as Record<string, any>;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('registers with 201, a Location, and answers {playerId, version, events}', async () => {
    const response = await post('/players', { name: 'Ayla', startRoom: 'hall' });
    expect(response.status).toBe(201);
    const body = await bodyOf(response);
    expect(response.headers.get('location')).toBe(`/players/${body.playerId}`);
    expect(body).toMatchObject({ version: 1, events: [{ type: 'PlayerRegistered', version: 1 }] });
  });

  it('derives the same player id from the same Idempotency-Key', async () => {
    const first = await bodyOf(
      await post('/players', { name: 'Bo', startRoom: 'hall' }, { 'idempotency-key': 'reg-bo-1' }),
    );
    const again = await post(
      '/players',
      { name: 'Bo', startRoom: 'hall' },
      { 'idempotency-key': 'reg-bo-1' },
    );
    expect(again.status).toBe(409); // the in-process executor has no dedup: the id proves the key was honoured
    expect((await bodyOf(again)).code).toBe('PLAYER.ALREADY_REGISTERED');
    expect(first.playerId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['malformed JSON', '{"name": ', 400, 'REQUEST.MALFORMED'],
    ['an unknown field', { name: 'x', startRoom: 'hall', admin: true }, 400, 'REQUEST.MALFORMED'],
    ['a wrong type', { name: 'x', startRoom: 7 }, 400, 'REQUEST.MALFORMED'],
    ['an oversize body', { name: 'x'.repeat(2000), startRoom: 'hall' }, 413, 'REQUEST.TOO_LARGE'],
  ])('refuses %s with problem+json', async (_case, body, status, code) => {
    const response = await post('/players', body);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status, code });
  });

  it('maps domain rejections: 404 unknown player, 409 invariant, 400 invalid name', async () => {
    const unknown = await post('/players/6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b/move', {
      toRoom: 'cellar',
    });
    expect(unknown.status).toBe(404);
    const { playerId } = await bodyOf(await post('/players', { name: 'Cy', startRoom: 'hall' }));
    const same = await post(`/players/${playerId}/move`, { toRoom: 'hall' });
    expect(same.status).toBe(409);
    expect((await bodyOf(same)).code).toBe('PLAYER.SAME_ROOM');
    const badName = await post('/players', { name: '\u0007', startRoom: 'hall' });
    expect(badName.status).toBe(400);
    expect((await bodyOf(badName)).code).toBe('PLAYER.INVALID_NAME');
  });

  it('answers 202 with the command id for Prefer: respond-async', async () => {
    const response = await post(
      '/players',
      { name: 'Di', startRoom: 'hall' },
      { prefer: 'respond-async', 'idempotency-key': 'async-di' },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ commandId: 'async-di', status: 'pending' });
  });

  it('refuses unknown routes, actions and bad path ids with problem+json', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await post('/players/6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b/fly', {})).status).toBe(400);
    expect((await fetch(`${base}/players/not-a-uuid`)).status).toBe(400);
    expect((await fetch(`${base}/leaderboard?limit=1000`)).status).toBe(400);
  });

  it('serves gRPC with the same operations and maps errors to status codes', async () => {
    const address = `127.0.0.1:${grpcPort}`;
    const commands = new grpcClients.PlayerCommands(
      address,
      grpc.credentials.createInsecure(),
    ) as any;
    const queries = new grpcClients.PlayerQueries(
      address,
      grpc.credentials.createInsecure(),
    ) as any;
    const call = (client: any, rpc: string, request: object) =>
      new Promise<any>((resolve, reject) =>
        client[rpc](request, (error: unknown, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );

    const registered = await call(commands, 'RegisterPlayer', { name: 'Ez', startRoom: 'hall' });
    expect(registered).toMatchObject({ version: 1, events: [{ type: 'PlayerRegistered' }] });
    expect(JSON.parse(registered.events[0].dataJson)).toMatchObject({
      name: 'Ez',
      startRoom: 'hall',
    });
    await expect(
      call(commands, 'MovePlayer', { playerId: registered.playerId, toRoom: 'hall' }),
    ).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
    await expect(
      call(commands, 'PickUpItem', { playerId: registered.playerId, itemId: 'gem', qty: 0 }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect(await call(queries, 'GetPlayer', { playerId: registered.playerId })).toMatchObject({
      name: 'Ez',
      version: 1,
    });
    await expect(
      call(queries, 'GetPlayer', { playerId: '6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b' }),
    ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    commands.close();
    queries.close();
  });
});
