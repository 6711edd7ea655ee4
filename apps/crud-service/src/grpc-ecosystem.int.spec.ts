import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { MongoClient } from 'mongodb';
import { decodeRichStatus, grpcClients, HealthClient, type StatusDetail } from '@qf/player-api';
import { uniqueName } from '@qf/shared-testing';
import { startCrudService, type RunningCrudService } from './crud-service';
import { crudServiceConfig } from './crud-service.config';

jest.setTimeout(120_000);

const reflectionProto = path.join(
  path.dirname(require.resolve('@grpc/reflection/package.json')),
  'build/proto/grpc/reflection/v1/reflection.proto',
);
const reflection = (
  grpc.loadPackageDefinition(protoLoader.loadSync(reflectionProto, { keepCase: false })) as any
).grpc.reflection.v1;

const promisify = <T>(
  client: any,
  method: string,
  request: unknown,
  options: grpc.CallOptions = {},
) =>
  new Promise<{ error: grpc.ServiceError | null; response?: T }>((resolve) =>
    client[method](
      request,
      new grpc.Metadata(),
      options,
      (error: grpc.ServiceError | null, response: T) => resolve({ error, response }),
    ),
  );
const details = (error: grpc.ServiceError | null): StatusDetail[] => {
  const raw = error?.metadata.get('grpc-status-details-bin')[0];
  return raw ? decodeRichStatus(raw as Buffer).details : [];
};
const reasonOf = (error: grpc.ServiceError | null) =>
  details(error).find((detail) => detail.type === 'google.rpc.ErrorInfo')?.value['reason'];

// crud-service in process serves both gRPC services; what any gRPC tool expects of it.
describe('gRPC like the ecosystem expects (crud-service)', () => {
  const db = uniqueName('qf_grpc_eco').replace(/-/g, '_');
  let service: RunningCrudService;
  /** A second crud-service on the same database: a player written by both conflicts. */
  let rival: RunningCrudService;
  let address: string;
  let commands: any;
  let rivalCommands: any;
  let queries: any;

  beforeAll(async () => {
    process.env['QF_MONGO_DB'] = db;
    process.env['QF_TOPIC_PREFIX'] = `${uniqueName('grpceco')}.`;
    // One attempt per write and no cached documents: one service takes a player's commands in
    // turn, so only two services writing one player conflict, and then they do not retry.
    const config = {
      ...crudServiceConfig([], {
        QF_HTTP_PORT: '0',
        QF_GRPC_PORT: '0',
        QF_OCC_MAX_ATTEMPTS: '1',
        QF_CRUD_STATE_CACHE: '0',
      }),
      auditMode: 'outbox' as const,
    };
    service = await startCrudService(config);
    rival = await startCrudService(config);
    address = `127.0.0.1:${service.grpcPort}`;
    commands = new grpcClients.PlayerCommands(address, grpc.credentials.createInsecure());
    rivalCommands = new grpcClients.PlayerCommands(
      `127.0.0.1:${rival.grpcPort}`,
      grpc.credentials.createInsecure(),
    );
    queries = new grpcClients.PlayerQueries(address, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    commands?.close();
    rivalCommands?.close();
    queries?.close();
    await Promise.all([service?.close(), rival?.close()]);
    const mongo = await new MongoClient(process.env['MONGO_URL']!).connect();
    await mongo
      .db(db)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  });

  it('server reflection lists the services and describes them (what grpcurl list/describe use)', async () => {
    const client = new reflection.ServerReflection(address, grpc.credentials.createInsecure());
    const ask = (request: Record<string, unknown>) =>
      new Promise<any>((resolve, reject) => {
        const call = client.ServerReflectionInfo();
        call.on('data', (answer: any) => {
          resolve(answer);
          call.end();
        });
        call.on('error', reject);
        call.write(request);
      });
    const listed = await ask({ listServices: '' });
    expect(
      listed.listServicesResponse.service.map((entry: { name: string }) => entry.name).sort(),
    ).toEqual(
      expect.arrayContaining([
        'grpc.health.v1.Health',
        'questfleet.v1.PlayerCommands',
        'questfleet.v1.PlayerQueries',
      ]),
    );
    const described = await ask({ fileContainingSymbol: 'questfleet.v1.PlayerQueries' });
    const files: Buffer[] = described.fileDescriptorResponse.fileDescriptorProto;
    expect(files.length).toBeGreaterThan(0);
    expect(Buffer.concat(files).toString('latin1')).toContain('GetStateAt');
    const missing = await ask({ fileContainingSymbol: 'questfleet.v1.Nope' });
    expect(missing.errorResponse.errorCode).toBe(grpc.status.NOT_FOUND);
    client.close();
  });

  it('grpc.health.v1.Health answers Check and Watch per service', async () => {
    const health = new HealthClient(address, grpc.credentials.createInsecure()) as any;
    for (const name of ['', 'questfleet.v1.PlayerCommands', 'questfleet.v1.PlayerQueries']) {
      expect((await promisify<any>(health, 'Check', { service: name })).response).toEqual({
        status: 'SERVING',
      });
    }
    expect((await promisify(health, 'Check', { service: 'questfleet.v1.Nope' })).error?.code).toBe(
      grpc.status.NOT_FOUND,
    );
    const first = await new Promise<any>((resolve) => {
      const call = health.Watch({ service: '' });
      call.on('data', (answer: unknown) => {
        resolve(answer);
        call.cancel();
      });
      call.on('error', () => undefined);
    });
    expect(first).toEqual({ status: 'SERVING' });
    health.close();
  });

  it('errors carry google.rpc.Status with ErrorInfo and BadRequest', async () => {
    const malformed = await promisify(queries, 'GetPlayer', { playerId: 'not-a-uuid' });
    expect(malformed.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(details(malformed.error)).toEqual([
      {
        type: 'google.rpc.ErrorInfo',
        value: expect.objectContaining({ reason: 'REQUEST.MALFORMED', domain: 'quest-fleet.dev' }),
      },
      {
        type: 'google.rpc.BadRequest',
        value: { fieldViolations: [expect.objectContaining({ description: 'must be a UUID' })] },
      },
    ]);
    const unknown = await promisify(queries, 'GetPlayer', { playerId: randomUUID() });
    expect(unknown.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(reasonOf(unknown.error)).toBe('PLAYER.NOT_FOUND');

    const { response } = await promisify<any>(commands, 'RegisterPlayer', {
      name: 'Grpc',
      startRoom: 'hall',
    });
    await promisify(commands, 'TakeDamage', { playerId: response.playerId, amount: 100_000 });
    const dead = await promisify(commands, 'Heal', { playerId: response.playerId, amount: 1 });
    expect(dead.error?.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(reasonOf(dead.error)).toBe('PLAYER.DEAD');
  });

  it('pages room occupancy and the leaderboard with page tokens', async () => {
    const room = `grpc-room-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C'])
      ids.push(
        (await promisify<any>(commands, 'RegisterPlayer', { name, startRoom: room })).response
          .playerId,
      );
    const seen: string[] = [];
    let token = '';
    for (let page = 0; page < 5; page += 1) {
      const { response } = await promisify<any>(queries, 'GetRoomPlayers', {
        roomId: room,
        limit: 2,
        pageToken: token,
      });
      seen.push(...response.players.map((player: { playerId: string }) => player.playerId));
      token = response.nextPageToken;
      if (!token) break;
    }
    expect(seen).toEqual([...ids].sort());
    const first = await promisify<any>(queries, 'GetLeaderboard', { limit: 1 });
    const second = await promisify<any>(queries, 'GetLeaderboard', {
      limit: 1,
      pageToken: first.response.nextPageToken,
    });
    expect(second.response.entries[0].rank).toBe(2);
    const forged = await promisify(queries, 'GetRoomPlayers', {
      roomId: room,
      pageToken: 'bm9wZQ',
    });
    expect(forged.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
  });

  it('answers ABORTED, marked retriable, when two services write one player at once', async () => {
    const { response } = await promisify<any>(commands, 'RegisterPlayer', {
      name: 'Hot',
      startRoom: 'hall',
    });
    let aborted: grpc.ServiceError | null = null;
    for (let round = 0; round < 5 && !aborted; round += 1) {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, index) =>
          promisify(index % 2 === 0 ? commands : rivalCommands, 'GainExperience', {
            playerId: response.playerId,
            amount: 1,
          }),
        ),
      );
      aborted = answers.find((answer) => answer.error?.code === grpc.status.ABORTED)?.error ?? null;
    }
    expect(aborted?.code).toBe(grpc.status.ABORTED);
    expect(details(aborted)[0]?.value).toMatchObject({
      reason: 'PLAYER.VERSION_CONFLICT',
      metadata: expect.objectContaining({ retriable: 'true' }),
    });
  });
});
