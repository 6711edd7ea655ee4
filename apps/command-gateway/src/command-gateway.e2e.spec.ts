import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { freePort, startServiceProcess, eventually } from '@qf/shared-testing';
import { grpcClients } from '@qf/player-api';
import {
  eventLogViolations,
  readEventLog,
  startWritePath,
  type WritePath,
} from '@qf/player-es-write/testing';

// Processes start, rebalance and take over for real: far beyond Jest's 5 s default.
jest.setTimeout(300_000);

// The ES write path through its public APIs: a gateway and a processor as child processes
// on topics of their own, driven over REST and gRPC, checked against the event log.
describe('command gateway + processor (REST and gRPC over Kafka)', () => {
  let path: WritePath;

  beforeAll(async () => {
    path = await startWritePath({ processors: 1, partitions: 4 });
  });
  afterAll(() => path?.stop());

  const post = async (route: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${path.gatewayUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      body: (await response.json()) as Record<string, any>,
    };
  };
  const eventsOf = async (playerId: string) =>
    (await readEventLog(path.topics, path.partitions))
      .map((stored) => stored.event)
      .filter((event) => event.metadata.aggregateId === playerId);

  it('drives register -> move -> pick-up -> damage over REST, versions 1..4', async () => {
    const registered = await post('/players', { name: 'Rest Ranger', startRoom: 'gate' });
    expect(registered.status).toBe(201);
    const playerId = registered.body['playerId'] as string;
    expect(registered.body).toMatchObject({
      version: 1,
      events: [{ type: 'PlayerRegistered', version: 1 }],
    });

    expect((await post(`/players/${playerId}/move`, { toRoom: 'hall' })).body).toMatchObject({
      version: 2,
      events: [{ type: 'PlayerMoved', data: { fromRoom: 'gate', toRoom: 'hall' } }],
    });
    expect(
      (await post(`/players/${playerId}/pick-up`, { itemId: 'sword', qty: 1 })).body,
    ).toMatchObject({ version: 3, events: [{ type: 'ItemPickedUp' }] });
    const hit = await post(`/players/${playerId}/take-damage`, { amount: 30 });
    expect(hit).toMatchObject({
      status: 200,
      body: {
        playerId,
        version: 4,
        events: [{ type: 'DamageTaken', data: { amount: 30, health: 70 } }],
      },
    });

    const log = await eventsOf(playerId);
    expect(log.map((event) => [event.type, event.metadata.version])).toEqual([
      ['PlayerRegistered', 1],
      ['PlayerMoved', 2],
      ['ItemPickedUp', 3],
      ['DamageTaken', 4],
    ]);
  });

  it('drives the same flow over gRPC and maps rejections to status codes', async () => {
    const client = new grpcClients.PlayerCommands(
      path.grpcAddress,
      grpc.credentials.createInsecure(),
    ) as any;
    const call = (rpc: string, request: object) =>
      new Promise<any>((resolve, reject) =>
        client[rpc](request, (error: unknown, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );
    try {
      const registered = await call('RegisterPlayer', { name: 'Grpc Guardian', startRoom: 'gate' });
      expect(registered).toMatchObject({ version: 1, events: [{ type: 'PlayerRegistered' }] });
      const playerId = registered.playerId as string;
      expect(await call('MovePlayer', { playerId, toRoom: 'tower' })).toMatchObject({ version: 2 });
      expect(await call('PickUpItem', { playerId, itemId: 'shield', qty: 2 })).toMatchObject({
        version: 3,
      });
      const hit = await call('TakeDamage', { playerId, amount: 120 });
      expect(hit.events.map((event: { type: string }) => event.type)).toEqual([
        'DamageTaken',
        'PlayerDied',
      ]);
      expect(hit.version).toBe(5);
      await expect(call('MovePlayer', { playerId, toRoom: 'crypt' })).rejects.toMatchObject({
        code: grpc.status.FAILED_PRECONDITION,
      });
      await expect(
        call('MovePlayer', { playerId: randomUUID(), toRoom: 'crypt' }),
      ).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
      const pending = await call('Heal', {
        playerId,
        amount: 5,
        options: { async: true, idempotencyKey: 'grpc-async-heal' },
      });
      expect(pending).toMatchObject({ pendingCommandId: 'grpc-async-heal', version: 0 });
    } finally {
      client.close();
    }
  });

  it('answers an idempotent retry with the first outcome and appends nothing; another body with the key is 422', async () => {
    const { body } = await post('/players', { name: 'Idem Potent', startRoom: 'gate' });
    const playerId = body['playerId'] as string;
    const key = `move-${randomUUID()}`;
    const first = await post(
      `/players/${playerId}/move`,
      { toRoom: 'library' },
      { 'idempotency-key': key },
    );
    const again = await post(
      `/players/${playerId}/move`,
      { toRoom: 'library' },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(200);
    expect(again).toEqual(first);
    const reused = await post(
      `/players/${playerId}/move`,
      { toRoom: 'cellar' },
      { 'idempotency-key': key },
    );
    expect(reused.status).toBe(422);
    expect(reused.type).toContain('application/problem+json');
    expect(reused.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED', commandId: key });
    expect((await eventsOf(playerId)).map((event) => event.type)).toEqual([
      'PlayerRegistered',
      'PlayerMoved',
    ]);
  });

  it('registers once for a retried Idempotency-Key without a player id', async () => {
    const key = `register-${randomUUID()}`;
    const first = await post(
      '/players',
      { name: 'Once Only', startRoom: 'gate' },
      { 'idempotency-key': key },
    );
    const again = await post(
      '/players',
      { name: 'Once Only', startRoom: 'gate' },
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await eventsOf(first.body['playerId'] as string)).toHaveLength(1);
  });

  it('answers rejections with their problem and appends no event', async () => {
    const { body } = await post('/players', { name: 'Rejected Rita', startRoom: 'gate' });
    const playerId = body['playerId'] as string;
    const sameRoom = await post(`/players/${playerId}/move`, { toRoom: 'gate' });
    expect(sameRoom).toMatchObject({ status: 409, body: { code: 'PLAYER.SAME_ROOM' } });
    const tooMuch = await post(`/players/${playerId}/drop`, { itemId: 'nothing', qty: 1 });
    expect(tooMuch).toMatchObject({ status: 409, body: { code: 'PLAYER.INSUFFICIENT_ITEMS' } });
    const badName = await post('/players', { name: '\u0007', startRoom: 'gate' });
    expect(badName).toMatchObject({ status: 400, body: { code: 'PLAYER.INVALID_NAME' } });
    const ghost = randomUUID();
    expect(await post(`/players/${ghost}/move`, { toRoom: 'hall' })).toMatchObject({
      status: 404,
      body: { code: 'PLAYER.NOT_FOUND' },
    });
    expect((await eventsOf(playerId)).map((event) => event.type)).toEqual(['PlayerRegistered']);
    expect(await eventsOf(ghost)).toEqual([]);
  });

  it('refuses bad input with problem+json and keeps serving', async () => {
    expect(await post('/players', '{"name": ')).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.MALFORMED' },
    });
    expect(await post('/players', { name: 'x', startRoom: 7 })).toMatchObject({ status: 400 });
    expect(await post('/players', { name: 'x', startRoom: 'gate', admin: true })).toMatchObject({
      status: 400,
    });
    expect((await post('/players', { name: 'x'.repeat(20_000), startRoom: 'gate' })).status).toBe(
      413,
    );
    expect((await post('/players', { name: 'Still Here', startRoom: 'gate' })).status).toBe(201);
  });

  it('answers 202 at once in async mode, and the command is decided all the same', async () => {
    const { body } = await post('/players', { name: 'Async Ada', startRoom: 'gate' });
    const playerId = body['playerId'] as string;
    const accepted = await post(
      `/players/${playerId}/gain-experience`,
      { amount: 10 },
      { prefer: 'respond-async', 'idempotency-key': `xp-${playerId}` },
    );
    expect(accepted).toMatchObject({
      status: 202,
      body: { commandId: `xp-${playerId}`, playerId, status: 'pending' },
    });
    await eventually(async () =>
      expect((await eventsOf(playerId)).map((event) => event.type)).toContain('ExperienceGained'),
    );
  });

  it('keeps every player in one partition with gapless versions', async () => {
    expect(eventLogViolations(await readEventLog(path.topics, path.partitions))).toEqual([]);
  });

  it('serves /metrics with the write-path figures and /health', async () => {
    const metrics = await (await fetch(`${path.gatewayUrl}/metrics`)).text();
    expect(metrics).toContain('qf_gateway_commands_produced_total');
    expect(metrics).toContain('qf_http_request_duration_seconds');
    const processorMetrics = await (await fetch(`${path.processors[0]!.baseUrl}/metrics`)).text();
    expect(processorMetrics).toMatch(/qf_processor_transaction_duration_seconds_count \d+/);
    expect((await fetch(`${path.gatewayUrl}/health`)).status).toBe(200);
  });
});

describe('command gateway without Kafka', () => {
  it('answers 503 at once instead of hanging, and /health says why', async () => {
    const port = await freePort();
    const gateway = await startServiceProcess({
      name: 'command-gateway-no-kafka',
      entry: 'apps/command-gateway/src/main.ts',
      healthPort: port,
      readyWhen: 'listening',
      env: {
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        QF_HTTP_PORT: String(port),
        QF_GRPC_PORT: String(await freePort()),
        QF_KAFKA_LOG_LEVEL: 'nothing',
      },
    });
    try {
      const response = await fetch(`${gateway.baseUrl}/players`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Nobody', startRoom: 'void' }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'SERVICE.UNAVAILABLE', retriable: true });
      const health = await fetch(`${gateway.baseUrl}/health`);
      expect(health.status).toBe(503);
    } finally {
      await gateway.stop();
    }
  });
});

describe('command gateway under overload', () => {
  let path: WritePath;

  // No processor: nothing is decided, so requests pile up waiting for decisions.
  beforeAll(async () => {
    path = await startWritePath({
      processors: 0,
      partitions: 2,
      env: { QF_GATEWAY_MAX_PENDING: '3', QF_DECISION_TIMEOUT_MS: '2000' },
    });
  });
  afterAll(() => path?.stop());

  it('sheds requests beyond QF_GATEWAY_MAX_PENDING at once: 503, Retry-After, problem+json', async () => {
    const move = () =>
      fetch(`${path.gatewayUrl}/players/${randomUUID()}/move`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ toRoom: 'hall' }),
      });
    const waiting = [move(), move(), move()];
    await eventually(async () => {
      const metrics = await (await fetch(`${path.gatewayUrl}/metrics`)).text();
      expect(metrics).toMatch(/qf_gateway_commands_produced_total\{mode="wait"\} 3/);
    });
    const shed = await move();
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect(shed.headers.get('content-type')).toContain('application/problem+json');
    expect(await shed.json()).toMatchObject({ code: 'SERVICE.OVERLOADED', retriable: true });
    // The three admitted requests are answered 504 (no processor), and then there is room again.
    expect((await Promise.all(waiting)).map((response) => response.status)).toEqual([
      504, 504, 504,
    ]);
    const metrics = await (await fetch(`${path.gatewayUrl}/metrics`)).text();
    expect(metrics).toMatch(/qf_gateway_shed_total\{reason="pending"\} 1/);
    expect((await move()).status).toBe(504);
  });
});
