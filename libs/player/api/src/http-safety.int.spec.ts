import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { Module } from '@nestjs/common';
import {
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  QueryHandler,
} from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthChecks, ObservabilityModule } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import {
  ExecutePlayerCommand,
  GetLeaderboardQuery,
  GetPlayerQuery,
  grpcClients,
  GrpcLifecycle,
  HealthClient,
  PlayerApiModule,
} from './index';

// The safety net every service gets from createHttpApp: health probes that need no token,
// the bearer token on everything else (REST, gRPC, /metrics), and a bounded handler time.
const TOKEN = 'test-token-0123456789abcdef';

const reflection = (
  grpc.loadPackageDefinition(
    protoLoader.loadSync(
      path.join(
        path.dirname(require.resolve('@grpc/reflection/package.json')),
        'build/proto/grpc/reflection/v1/reflection.proto',
      ),
      { keepCase: false },
    ),
  ) as any
).grpc.reflection.v1;

@QueryHandler(GetPlayerQuery)
class SlowPlayerHandler implements IQueryHandler<GetPlayerQuery> {
  async execute({ playerId }: GetPlayerQuery) {
    // Longer than the request timeout below: the handler is stuck on a dependency.
    await new Promise((resolve) => setTimeout(resolve, 1500).unref());
    return { playerId };
  }
}

/** A command handler stuck on its dependency (a CRUD write the database does not answer). */
@CommandHandler(ExecutePlayerCommand)
class SlowCommandHandler implements ICommandHandler<ExecutePlayerCommand> {
  async execute({ command }: ExecutePlayerCommand) {
    await new Promise((resolve) => setTimeout(resolve, 1500).unref());
    return { status: 'accepted', commandId: command.metadata.commandId };
  }
}

@QueryHandler(GetLeaderboardQuery)
class LeaderboardHandler implements IQueryHandler<GetLeaderboardQuery> {
  async execute() {
    return { entries: [] };
  }
}

@Module({
  imports: [
    ObservabilityModule,
    PlayerApiModule.forRoot({ commands: true, queries: true, grpcPort: 0 }),
  ],
  providers: [SlowPlayerHandler, LeaderboardHandler, SlowCommandHandler],
})
class GuardedModule {}

const PLAYER = '6f1c7c2e-9a4b-4b7e-8a11-0c2d3e4f5a6b';

describe('every service: health probes, bearer token, request time limit', () => {
  let app: NestFastifyApplication;
  let base: string;
  let grpcPort: number;
  const previous = {
    token: process.env['QF_API_TOKEN'],
    timeout: process.env['QF_REQUEST_TIMEOUT_MS'],
  };

  beforeAll(async () => {
    process.env['QF_API_TOKEN'] = TOKEN;
    process.env['QF_REQUEST_TIMEOUT_MS'] = '500';
    app = await createHttpApp(GuardedModule, {
      service: 'safety-test',
      port: 0,
      openapi: 'query-service',
    });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    grpcPort = app.get(GrpcLifecycle).boundPort!;
    app.get(HealthChecks).register('dependency', async () => 'the database does not answer');
  });

  afterAll(async () => {
    await app.close();
    for (const [name, value] of [
      ['QF_API_TOKEN', previous.token],
      ['QF_REQUEST_TIMEOUT_MS', previous.timeout],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const bearer = { authorization: `Bearer ${TOKEN}` };

  it('listens on 127.0.0.1 by default', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the probes without a token: live 200, ready 503 naming the dependency that is down', async () => {
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'unavailable',
      reasons: ['dependency: the database does not answer'],
    });
    expect((await fetch(`${base}/health`)).status).toBe(503);
  });

  it('refuses REST and /metrics without the right token (401 problem+json), serves them with it', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: TOKEN },
    ]) {
      const response = await fetch(`${base}/leaderboard`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(await response.json()).toMatchObject({ status: 401, code: 'AUTH.UNAUTHENTICATED' });
    }
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${base}/leaderboard`, { headers: bearer })).status).toBe(200);
  });

  it('answers a path parameter past the router limit with 414 problem+json naming the path', async () => {
    const response = await fetch(`${base}/players/${'a'.repeat(300)}`, { headers: bearer });
    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 414, errors: [{ field: '(path)' }] });
  });

  it('answers 504 problem+json when a handler outlasts QF_REQUEST_TIMEOUT_MS', async () => {
    const response = await fetch(`${base}/players/${PLAYER}`, { headers: bearer });
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: 'REQUEST.TIMEOUT', retriable: true });
  });

  it('holds the token, the named field and the time limit on the plain Fastify command routes', async () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = bearer) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const unauthorized = await post(`/players/${PLAYER}/heal`, { amount: 5 }, {});
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ code: 'AUTH.UNAUTHENTICATED' });

    const malformed = await post(`/players/${PLAYER}/heal`, { amount: 'lots' });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    expect(await malformed.json()).toMatchObject({ errors: [{ field: 'amount' }] });

    const stuck = await post(`/players/${PLAYER}/heal`, { amount: 5 });
    expect(stuck.status).toBe(504);
    expect(stuck.headers.get('content-type')).toContain('application/problem+json');
    expect(await stuck.json()).toMatchObject({ code: 'REQUEST.TIMEOUT', retriable: true });
  });

  it('applies the same token and time limit to gRPC', async () => {
    const client = new grpcClients.PlayerQueries(
      `127.0.0.1:${grpcPort}`,
      grpc.credentials.createInsecure(),
    ) as any;
    const call = (rpc: string, request: object, metadata = new grpc.Metadata()) =>
      new Promise<any>((resolve, reject) =>
        client[rpc](request, metadata, (error: unknown, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );
    const authorized = new grpc.Metadata();
    authorized.set('authorization', `Bearer ${TOKEN}`);
    await expect(call('GetLeaderboard', { limit: 5 })).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    expect(await call('GetLeaderboard', { limit: 5 }, authorized)).toMatchObject({ entries: [] });
    await expect(call('GetPlayer', { playerId: PLAYER }, authorized)).rejects.toMatchObject({
      code: grpc.status.DEADLINE_EXCEEDED,
    });
    client.close();
  });
  it('keeps the OpenAPI document and gRPC reflection behind the token, gRPC health open like the probes', async () => {
    expect((await fetch(`${base}/openapi.json`)).status).toBe(401);
    expect((await fetch(`${base}/docs`)).status).toBe(401);
    const document = await fetch(`${base}/openapi.json`, { headers: bearer });
    expect(document.status).toBe(200);
    expect(Object.keys(((await document.json()) as { paths: object }).paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready', '/leaderboard']),
    );

    const address = `127.0.0.1:${grpcPort}`;
    // Open without a token; NOT_SERVING because a dependency is down (ready would be 503).
    const health = new HealthClient(address, grpc.credentials.createInsecure()) as any;
    const checked = await new Promise<any>((resolve, reject) =>
      health.Check({ service: '' }, (error: unknown, answer: unknown) =>
        error ? reject(error) : resolve(answer),
      ),
    );
    expect(checked).toEqual({ status: 'NOT_SERVING' });
    health.close();

    const client = new reflection.ServerReflection(address, grpc.credentials.createInsecure());
    const list = (metadata: grpc.Metadata) =>
      new Promise<any>((resolve, reject) => {
        const call = client.ServerReflectionInfo(metadata);
        call.on('data', (answer: any) => {
          resolve(answer);
          call.end();
        });
        call.on('error', reject);
        call.write({ listServices: '' });
      });
    await expect(list(new grpc.Metadata())).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
    const authorized = new grpc.Metadata();
    authorized.set('authorization', `Bearer ${TOKEN}`);
    expect((await list(authorized)).listServicesResponse.service.length).toBeGreaterThan(0);
    client.close();
  });
});
