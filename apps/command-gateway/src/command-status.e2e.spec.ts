import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { grpcClients } from '@qf/player-api';
import { startWritePath, type WritePath } from '@qf/player-es-write/testing';
import { eventually } from '@qf/shared-testing';

// Child processes (a gateway, then a processor) start, join and decide for real.
jest.setTimeout(240_000);

type Json = Record<string, any>;

/**
 * Command status against the real write path: a gateway and processors as child processes
 * on topics of their own, the status read from player.ledger and player.commands.
 */
describe('command status: GET /commands/{commandId} and GetCommandStatus', () => {
  let path: WritePath;
  let commands: grpc.Client & Json;

  beforeAll(async () => {
    // No processor yet: the first test sees a command wait, then starts one.
    path = await startWritePath({ processors: 0, partitions: 2 });
    commands = new grpcClients.PlayerCommands(
      path.grpcAddress,
      grpc.credentials.createInsecure(),
    ) as grpc.Client & Json;
  });

  afterAll(async () => {
    commands?.close();
    await path?.stop();
  });

  const post = async (route: string, body: Json, headers: Record<string, string> = {}) => {
    const response = await fetch(`${path.gatewayUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Json,
    };
  };
  const statusOf = async (commandId: string, playerId?: string) => {
    const query = playerId === undefined ? '' : `?playerId=${playerId}`;
    const response = await fetch(
      `${path.gatewayUrl}/commands/${encodeURIComponent(commandId)}${query}`,
    );
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Json,
    };
  };
  const grpcStatusOf = (request: Json) =>
    new Promise<{ error: grpc.ServiceError | null; response?: Json }>((resolve) =>
      commands['GetCommandStatus'](
        request,
        { deadline: Date.now() + 60_000 },
        (error: grpc.ServiceError | null, response: Json) => resolve({ error, response }),
      ),
    );

  const playerId = randomUUID();

  it('a command sent while no processor runs is pending, then decided once one runs', async () => {
    const sent = await post(
      '/players',
      { playerId, name: 'Late', startRoom: 'hall' },
      { prefer: 'respond-async' },
    );
    expect(sent.status).toBe(202);
    const commandId = sent.body['commandId'] as string;
    expect(sent.headers.get('location')).toBe(`/commands/${commandId}?playerId=${playerId}`);

    expect(await statusOf(commandId, playerId)).toMatchObject({
      status: 200,
      body: { commandId, playerId, status: 'pending' },
    });
    // Without the player id every partition is searched.
    expect((await statusOf(commandId)).body).toEqual({ commandId, playerId, status: 'pending' });

    await path.addProcessor();
    await eventually(
      async () => expect((await statusOf(commandId, playerId)).body['status']).toBe('accepted'),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const decided = (await statusOf(commandId, playerId)).body;
    expect(decided).toMatchObject({
      commandId,
      playerId,
      status: 'accepted',
      result: { playerId, version: 1, events: [{ type: 'PlayerRegistered', version: 1 }] },
    });
    expect(Number.isNaN(Date.parse(decided['decidedAt'] as string))).toBe(false);
  });

  it('an accepted command shows the answer its caller got; a rejected one the problem', async () => {
    const moveKey = `move-${randomUUID()}`;
    const moved = await post(
      `/players/${playerId}/move`,
      { toRoom: 'yard' },
      { 'idempotency-key': moveKey },
    );
    expect(moved.status).toBe(200);
    expect(await statusOf(moveKey, playerId)).toEqual({
      status: 200,
      contentType: expect.stringContaining('application/json'),
      body: {
        commandId: moveKey,
        playerId,
        status: 'accepted',
        decidedAt: expect.any(String),
        result: moved.body,
      },
    });

    const refusedKey = `again-${randomUUID()}`;
    const refused = await post(
      `/players/${playerId}/move`,
      { toRoom: 'yard' },
      { 'idempotency-key': refusedKey },
    );
    expect(refused.status).toBe(409);
    expect((await statusOf(refusedKey, playerId)).body).toEqual({
      commandId: refusedKey,
      playerId,
      status: 'rejected',
      decidedAt: expect.any(String),
      problem: refused.body,
    });
  });

  it('answers 404 for an unknown id, 409 for an id two players used, 400 for a bad question', async () => {
    const unknown = await statusOf(`never-${randomUUID()}`, playerId);
    expect(unknown).toMatchObject({
      status: 404,
      contentType: expect.stringContaining('application/problem+json'),
      body: { code: 'COMMAND.NOT_FOUND' },
    });

    const shared = `shared-${randomUUID()}`;
    const other = randomUUID();
    for (const id of [randomUUID(), other])
      expect(
        (
          await post(
            '/players',
            { playerId: id, name: 'Twin', startRoom: 'hall' },
            { 'idempotency-key': shared },
          )
        ).status,
      ).toBe(201);
    const ambiguous = await statusOf(shared);
    expect(ambiguous).toMatchObject({ status: 409, body: { code: 'COMMAND.AMBIGUOUS' } });
    expect(ambiguous.body['playerIds']).toHaveLength(2);
    expect((await statusOf(shared, other)).body).toMatchObject({
      playerId: other,
      status: 'accepted',
    });

    expect(await statusOf('x'.repeat(200))).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.MALFORMED' },
    });
    expect(await statusOf(shared, 'not-a-uuid')).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.MALFORMED' },
    });
  });

  it('gRPC GetCommandStatus answers the same, NOT_FOUND for an unknown id', async () => {
    const key = `grpc-${randomUUID()}`;
    const moved = await post(
      `/players/${playerId}/move`,
      { toRoom: 'cellar' },
      { 'idempotency-key': key },
    );
    expect(moved.status).toBe(200);
    const { error, response } = await grpcStatusOf({ commandId: key, playerId });
    expect(error).toBeNull();
    expect(response).toMatchObject({
      commandId: key,
      playerId,
      status: 'accepted',
      result: { playerId, version: moved.body['version'], events: [{ type: 'PlayerMoved' }] },
    });

    const refusedKey = `grpc-no-${randomUUID()}`;
    expect(
      (
        await post(
          `/players/${playerId}/move`,
          { toRoom: 'cellar' },
          { 'idempotency-key': refusedKey },
        )
      ).status,
    ).toBe(409);
    const refused = await grpcStatusOf({ commandId: refusedKey, playerId });
    expect(refused.response).toMatchObject({
      status: 'rejected',
      rejection: { code: 'PLAYER.SAME_ROOM', grpcCode: grpc.status.FAILED_PRECONDITION },
    });

    const unknown = await grpcStatusOf({ commandId: `never-${randomUUID()}` });
    expect(unknown.error?.code).toBe(grpc.status.NOT_FOUND);
  });
});
