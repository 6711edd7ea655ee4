import * as grpc from '@grpc/grpc-js';
import { MongoClient, type Collection } from 'mongodb';
import { initialState, tryDecide, type PlayerCommand, type PlayerState } from '@qf/player-domain';
import { stateToView, type PlayerDocument } from '@qf/player-crud';
import { grpcClients } from '@qf/player-api';
import { uniqueName } from '@qf/shared-testing';
import { startCrudService, type RunningCrudService } from './crud-service';
import { crudServiceConfig } from './crud-service.config';

/** fetch whose JSON bodies are loosely typed: these tests read them field by field. */
const http = fetch as (
  ...args: Parameters<typeof fetch>
) => Promise<Omit<Response, 'json'> & { json(): Promise<any> }>;

jest.setTimeout(120_000);

// crud-service in process against the real Mongo-wire server: the REST and gRPC surface,
// bad input, idempotency, and a hot key written by many clients at once.
describe('crud-service (REST + gRPC over the players documents)', () => {
  const db = uniqueName('qf_crud_svc').replace(/-/g, '_');
  let service: RunningCrudService;
  let mongo: MongoClient;
  let players: Collection<PlayerDocument>;

  beforeAll(async () => {
    process.env['QF_MONGO_DB'] = db;
    process.env['QF_TOPIC_PREFIX'] = `${uniqueName('crudsvc')}.`;
    service = await startCrudService({
      ...crudServiceConfig([], { QF_HTTP_PORT: '0', QF_GRPC_PORT: '0' }),
      auditMode: 'outbox',
    });
    mongo = await new MongoClient(process.env['MONGO_URL']!).connect();
    players = mongo.db(db).collection<PlayerDocument>('players');
  });

  afterAll(async () => {
    await service?.close();
    await mongo
      ?.db(db)
      .dropDatabase()
      .catch(() => undefined);
    await mongo?.close();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    http(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (path: string) => {
    const response = await http(`${service.url}${path}`);
    return { status: response.status, body: await response.json() };
  };
  const register = async (name: string, startRoom = 'hall') => {
    const response = await post('/players', { name, startRoom });
    expect(response.status).toBe(201);
    return (await response.json()).playerId as string;
  };

  it('registers (insert) and writes the audit event into the outbox of the same document', async () => {
    const response = await post(
      '/players',
      { name: 'Ayla', startRoom: 'hall' },
      { 'idempotency-key': 'reg-ayla' },
    );
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({
      version: 1,
      events: [{ eventId: 'reg-ayla:0', type: 'PlayerRegistered', version: 1 }],
    });
    const doc = (await players.findOne({ _id: body.playerId }))!;
    expect(doc).toMatchObject({
      version: 1,
      outboxPending: 1,
      outbox: [{ eventId: 'reg-ayla:0', type: 'PlayerRegistered' }],
    });
    expect(doc.outboxSince).toBeInstanceOf(Date);
  });

  it('runs commands as read-modify-write and serves the queries from the live documents', async () => {
    const id = await register('Bo', 'cave');
    expect((await post(`/players/${id}/pick-up`, { itemId: 'item.gem', qty: 3 })).status).toBe(200);
    expect((await post(`/players/${id}/gain-experience`, { amount: 150 })).status).toBe(200);
    const moved = await (await post(`/players/${id}/move`, { toRoom: 'vault' })).json();
    expect(moved).toMatchObject({
      playerId: id,
      version: 5,
      events: [{ type: 'PlayerMoved', data: { fromRoom: 'cave', toRoom: 'vault' } }],
    });

    const player = await get(`/players/${id}`);
    expect(player).toMatchObject({
      status: 200,
      body: {
        playerId: id,
        name: 'Bo',
        level: 2,
        xp: 150,
        roomId: 'vault',
        inventory: { 'item.gem': 3 },
        version: 5,
      },
    });
    const room = await get('/rooms/vault/players');
    expect(room.body).toEqual({
      roomId: 'vault',
      next: null,
      players: [
        {
          playerId: id,
          name: 'Bo',
          level: 2,
          health: 110,
          alive: true,
          inventory: { 'item.gem': 3 },
          version: 5,
        },
      ],
    });
    const board = await get('/leaderboard?limit=1');
    expect(board.body.entries).toEqual([{ rank: 1, playerId: id, name: 'Bo', level: 2, xp: 150 }]);
    const doc = (await players.findOne({ _id: id }))!;
    expect(doc.outbox?.map((entry) => entry.metadata.version)).toEqual([1, 2, 3, 4, 5]);
    expect(doc.outboxPending).toBe(5);
  });

  it('answers a repeated Idempotency-Key with the first outcome and writes nothing; another body is 422', async () => {
    const id = await register('Cy');
    const headers = { 'idempotency-key': `heal-${id}` };
    await post(`/players/${id}/take-damage`, { amount: 30 });
    const first = await (await post(`/players/${id}/heal`, { amount: 10 }, headers)).json();
    const before = (await players.findOne({ _id: id }))!;
    const again = await post(`/players/${id}/heal`, { amount: 10 }, headers);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    const after = (await players.findOne({ _id: id }))!;
    expect(after.version).toBe(before.version);
    expect(after.outboxPending).toBe(before.outboxPending);
    const reused = await post(`/players/${id}/heal`, { amount: 11 }, headers);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
  });

  it('rejects bad input exactly like the ES side (same api layer, same decider)', async () => {
    const id = await register('Di');
    const cases: Array<[string, unknown, number, string]> = [
      ['/players', '{"name": ', 400, 'REQUEST.MALFORMED'],
      ['/players', { name: 'x', startRoom: 'hall', admin: true }, 400, 'REQUEST.MALFORMED'],
      ['/players', { name: '\u0007', startRoom: 'hall' }, 400, 'PLAYER.INVALID_NAME'],
      [
        '/players',
        { name: 'x'.repeat(200), startRoom: 'y'.repeat(200), playerId: 'z'.repeat(16000) },
        413,
        'REQUEST.TOO_LARGE',
      ],
      [`/players/${id}/move`, { toRoom: 'hall' }, 409, 'PLAYER.SAME_ROOM'],
      [`/players/${id}/pick-up`, { itemId: 'gem', qty: 51 }, 409, 'PLAYER.INVENTORY_FULL'],
      [`/players/${id}/drop`, { itemId: 'gem', qty: 1 }, 409, 'PLAYER.INSUFFICIENT_ITEMS'],
      [`/players/${id}/heal`, { amount: -1 }, 400, 'REQUEST.MALFORMED'],
      [`/players/${id}/fly`, {}, 400, 'REQUEST.MALFORMED'],
      [
        '/players/6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b/move',
        { toRoom: 'x' },
        404,
        'PLAYER.NOT_FOUND',
      ],
      [
        '/players',
        { name: 'Di', startRoom: 'hall', playerId: id },
        409,
        'PLAYER.ALREADY_REGISTERED',
      ],
    ];
    for (const [path, body, status, code] of cases) {
      const response = await post(path, body);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual(
        { path, status, type: expect.stringContaining('application/problem+json') },
      );
      expect(await response.json()).toMatchObject({ status, code });
    }
    expect((await get('/players/6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b')).status).toBe(404);
    expect((await get('/players/not-a-uuid')).status).toBe(400);
    expect((await get('/leaderboard?limit=0')).status).toBe(400);
    expect((await get(`/players/${id}/state?version=1&at=2025-01-01T00:00:00Z`)).status).toBe(400);
    // Nothing above changed Di.
    expect((await get(`/players/${id}`)).body.version).toBe(1);
  });

  it('answers Prefer: respond-async with 202 and the command id, after deciding', async () => {
    const id = await register('Ez');
    const response = await post(
      `/players/${id}/heal`,
      { amount: 1 },
      { prefer: 'respond-async', 'idempotency-key': `async-${id}` },
    );
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      commandId: `async-${id}`,
      playerId: id,
      status: 'pending',
    });
    expect((await get(`/players/${id}`)).body.version).toBe(2);
  });

  it('serves gRPC (questfleet.v1) with the same operations and status mapping', async () => {
    const address = `127.0.0.1:${service.grpcPort}`;
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
    try {
      const registered = await call(commands, 'RegisterPlayer', {
        name: 'Fay',
        startRoom: 'hall',
        options: { idempotencyKey: 'grpc-fay' },
      });
      expect(registered).toMatchObject({
        version: 1,
        events: [{ eventId: 'grpc-fay:0', type: 'PlayerRegistered' }],
      });
      const id = registered.playerId;
      expect(
        await call(commands, 'PickUpItem', { playerId: id, itemId: 'rope', qty: 2 }),
      ).toMatchObject({ version: 2 });
      const again = await call(commands, 'RegisterPlayer', {
        name: 'Fay',
        startRoom: 'hall',
        options: { idempotencyKey: 'grpc-fay' },
      });
      expect(again).toEqual(registered);
      await expect(
        call(commands, 'MovePlayer', { playerId: id, toRoom: 'hall' }),
      ).rejects.toMatchObject({ code: grpc.status.FAILED_PRECONDITION });
      await expect(
        call(commands, 'DropItem', { playerId: id, itemId: 'rope', qty: 0 }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      await expect(
        call(commands, 'Heal', { playerId: '6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b', amount: 1 }),
      ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
      await expect(
        call(commands, 'Heal', {
          playerId: id,
          amount: 1,
          options: { idempotencyKey: 'grpc-fay' },
        }),
      ).rejects.toMatchObject({ code: grpc.status.ALREADY_EXISTS });
      expect(await call(queries, 'GetPlayer', { playerId: id })).toMatchObject({
        name: 'Fay',
        version: 2,
        inventory: { rope: 2 },
      });
      const room = await call(queries, 'GetRoomPlayers', { roomId: 'hall' });
      expect(room.players.map((p: { playerId: string }) => p.playerId)).toContain(id);
      expect((await call(queries, 'GetLeaderboard', { limit: 3 })).entries).toHaveLength(3);
      await expect(call(queries, 'GetPlayer', { playerId: 'nope' })).rejects.toMatchObject({
        code: grpc.status.INVALID_ARGUMENT,
      });
    } finally {
      commands.close();
      queries.close();
    }
  });

  it('serves /health and /metrics', async () => {
    expect(await get('/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { mongo: true }, details: { auditMode: 'outbox' } },
    });
    const metrics = await (await http(`${service.url}/metrics`)).text();
    expect(metrics).toContain('qf_crud_occ_conflicts_total');
    expect(metrics).toContain('qf_crud_commands_total{type="RegisterPlayer",outcome="accepted"}');
  });

  it('loses no update on a hot key: the final state is the accepted commands applied in version order', async () => {
    const id = await register('Hot');
    const clients = 16;
    const perClient = 8;
    const body = (client: number, i: number): [string, Record<string, unknown>] => {
      switch ((client + i) % 4) {
        case 0:
          return ['pick-up', { itemId: `item.${client % 3}`, qty: 1 }];
        case 1:
          return ['gain-experience', { amount: 7 + client }];
        case 2:
          return ['take-damage', { amount: 3 }];
        default:
          return ['heal', { amount: 2 }];
      }
    };
    const accepted: Array<{ action: string; data: Record<string, unknown>; result: any }> = [];
    const statuses: Record<number, number> = {};
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let i = 0; i < perClient; i += 1) {
          const [action, data] = body(client, i);
          const response = await post(`/players/${id}/${action}`, data);
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          if (response.status === 200)
            accepted.push({ action, data, result: await response.json() });
          else expect(await response.json()).toMatchObject({ code: 'PLAYER.VERSION_CONFLICT' });
        }
      }),
    );
    expect(accepted.length).toBeGreaterThan(0);
    // Versions 2..N are each taken by exactly one accepted command.
    accepted.sort((a, b) => a.result.events[0].version - b.result.events[0].version);
    const versions = accepted.flatMap((a) =>
      a.result.events.map((e: { version: number }) => e.version),
    );
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 2));

    // Re-decide the accepted commands in version order from the registered state: each
    // must be accepted again with the same events, and the result is the stored state.
    const types: Record<string, PlayerCommand['type']> = {
      'pick-up': 'PickUpItem',
      'gain-experience': 'GainExperience',
      'take-damage': 'TakeDamage',
      heal: 'Heal',
    };
    const registration = tryDecide(
      {
        type: 'RegisterPlayer',
        data: { playerId: id, name: 'Hot', startRoom: 'hall' },
        metadata: { commandId: 'r', correlationId: 'r', occurredAt: '2025-01-01T00:00:00.000Z' },
      },
      initialState(id),
    );
    if (!registration.ok) throw registration.error;
    let state: PlayerState = registration.state;
    for (const { action, data, result } of accepted) {
      const [first] = result.events;
      const commandId = first.eventId.replace(/:0$/, '');
      const decision = tryDecide(
        {
          type: types[action]!,
          data: { playerId: id, ...data },
          metadata: { commandId, correlationId: commandId, occurredAt: first.occurredAt },
        } as PlayerCommand,
        state,
      );
      if (!decision.ok) throw decision.error;
      expect(
        decision.events.map((e) => ({ type: e.type, version: e.metadata.version, data: e.data })),
      ).toEqual(
        result.events.map((e: any) => ({ type: e.type, version: e.version, data: e.data })),
      );
      state = decision.state;
    }
    const { body: stored } = await get(`/players/${id}`);
    const { updatedAt: _u, ...expected } = stateToView(state);
    expect(stored).toMatchObject(expected);
    // And every accepted event is pending in the outbox, once, in version order.
    const doc = (await players.findOne({ _id: id }))!;
    expect(doc.outbox?.map((entry) => entry.metadata.version)).toEqual([1, ...versions]);
    expect(statuses[200]).toBe(accepted.length);
  });
});
