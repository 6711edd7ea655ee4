import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type { MongoClient } from 'mongodb';
import { Pool } from 'undici';
import { fleetDown, fleetStatus, fleetUp, planReplicas } from '@qf/fleet';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createInfraContext } from '@qf/local-infra';
import { createMongoClient } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { grpcClients } from '../grpc/grpc-api.server';
import {
  commandRequestArbitrary,
  grpcRequestArbitraries,
  queryRequestArbitrary,
  type RestRequest,
} from './request-arbitraries';

/**
 * Generated requests, valid and invalid, from the request schemas (REST) and the proto
 * (gRPC), sent to every REST front and every gRPC method of both architectures running as
 * real services: no answer may be a server error (≥ 500, gRPC INTERNAL/UNKNOWN/…), no
 * service may crash, and every 4xx must be application/problem+json, a 400 naming the
 * field. QF_FUZZ_RUNS requests per REST front and per gRPC method (default 10,000; the
 * CRUD service's REST front splits them between its commands and its queries, a gRPC
 * method between the ES and the CRUD server); QF_FUZZ_SEED replays a run.
 */
jest.setTimeout(3_600_000);

const RUNS = Number(process.env['QF_FUZZ_RUNS'] ?? 10_000);
const SEED = Number(process.env['QF_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const CONCURRENCY = 24;
const suffix = uniqueName('z')
  .replace(/[^a-z0-9]/g, '')
  .slice(-8);
const prefix = `fuzz-${suffix}.`;
const database = `qf_fuzz_${suffix}`;
const SERVER_ERRORS = new Set([
  grpc.status.UNKNOWN,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.UNIMPLEMENTED,
  grpc.status.INTERNAL,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
]);

/** What is wrong with one REST answer (nothing, for a good one). */
const restViolations = (status: number, contentType: string, text: string): string[] => {
  if (status >= 500) return [`answered ${status}: ${text.slice(0, 300)}`];
  if (status < 400) return [];
  const problems: string[] = [];
  if (!contentType.includes('application/problem+json'))
    problems.push(`${status} with content-type ${contentType}`);
  let body: { status?: unknown; code?: unknown; errors?: Array<{ field?: unknown }> } = {};
  try {
    body = JSON.parse(text);
  } catch {
    return [...problems, `${status} whose body is not JSON: ${text.slice(0, 200)}`];
  }
  if (body.status !== status || typeof body.code !== 'string')
    problems.push(`${status} problem without status/code: ${text.slice(0, 200)}`);
  if (
    status === 400 &&
    !(
      Array.isArray(body.errors) &&
      body.errors.length > 0 &&
      body.errors.every((error) => typeof error.field === 'string' && error.field !== '')
    )
  )
    problems.push(`400 that names no field: ${text.slice(0, 300)}`);
  return problems;
};

/** What is wrong with one gRPC answer. */
const grpcViolations = (error: grpc.ServiceError | null): string[] => {
  if (!error) return [];
  if (SERVER_ERRORS.has(error.code)) return [`gRPC ${grpc.status[error.code]}: ${error.details}`];
  if (error.code !== grpc.status.INVALID_ARGUMENT) return [];
  const json = error.metadata?.get('problem-json')[0];
  const problem = json
    ? (JSON.parse(String(json)) as { errors?: Array<{ field?: unknown }> })
    : undefined;
  return problem?.errors?.length &&
    problem.errors.every((entry) => typeof entry.field === 'string' && entry.field !== '')
    ? []
    : [`INVALID_ARGUMENT that names no field: ${error.details} ${json ?? '(no problem-json)'}`];
};

/** Runs work over items, `limit` at a time. */
const eachLimited = async <T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
};

describe('API fuzzing: generated requests against every front and gRPC method', () => {
  const previous = { id: process.env['QF_FLEET_ID'], offset: process.env['QF_FLEET_PORT_OFFSET'] };
  let mongo: MongoClient;
  const known = { es: [] as string[], crud: [] as string[] };
  const port = (service: string, kind: 'http' | 'grpc') => {
    const plan = planReplicas({ [service]: 1 })[0]!;
    return kind === 'http' ? plan.httpPort : plan.grpcPort!;
  };

  beforeAll(async () => {
    process.env['QF_FLEET_ID'] = `z${suffix}`;
    // Ports of its own: fleet-scale.int.spec.ts runs alongside from offsets 13,000–13,390
    // with projectors up to 400 ports above (the replica stride), services 120 ports wide:
    // 13,000–13,910 is theirs. One replica each here: 14,000–14,410.
    process.env['QF_FLEET_PORT_OFFSET'] = String(
      14_000 + (Number.parseInt(suffix.slice(-3), 36) % 30) * 10,
    );
    mongo = await createMongoClient().connect();
    await fleetUp({
      arch: 'both',
      env: {
        QF_TOPIC_PREFIX: prefix,
        QF_MONGO_DB: database,
        QF_PARTITIONS: '4',
        // Warnings too: a failed transaction or an unrestored slot is a warning, and the
        // write-path check below prints the log when it fails.
        QF_LOG_LEVEL: 'warn',
        // minVersion waits are bounded; a short bound keeps 10,000 of them affordable.
        QF_MIN_VERSION_WAIT_MS: '100',
      },
      healthTimeoutMs: 180_000,
    });
    // A few real players, so that generated commands and queries reach past "not found".
    // They also prove each write path decides: fuzzing one that does not would only time
    // out, request after request, for the rest of the run.
    for (const [arch, service] of [
      ['es', 'command-gateway'],
      ['crud', 'crud-service'],
    ] as const) {
      for (let index = 0; index < 5; index += 1)
        known[arch].push(await registerKnownPlayer(service, `Fuzz ${index}`));
    }
    process.stderr.write(
      `api fuzz: ${RUNS} requests per front and per gRPC method, seed ${SEED}\n`,
    );
  });

  /** Each replica's status and health, and the last lines of each log: why a path does not decide. */
  const fleetDiagnostics = async (): Promise<string> => {
    const rows = await fleetStatus().catch(() => []);
    const { logDir } = createInfraContext();
    return rows
      .map((row) => {
        const file = path.join(logDir, 'fleet', `${row.name}.log`);
        const log = fs.existsSync(file)
          ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20).join('\n')
          : '(no log)';
        return `${row.name}: ${row.status}, ${row.restarts} restarts, health ${row.health} ${JSON.stringify(row.healthDetail ?? {}).slice(0, 600)}\n${log}`;
      })
      .join('\n');
  };

  /** No violation; when there are some, the fleet's state goes to stderr first (CI keeps it). */
  const expectNoViolations = async (found: readonly string[]) => {
    if (found.length > 0) process.stderr.write(`${await fleetDiagnostics()}\n`);
    expect(found).toEqual([]);
  };

  /**
   * Registers one player (retrying with the same key while the service answers 5xx, for up
   * to two minutes after the fleet is up), or fails with the fleet's status and log tails.
   */
  const registerKnownPlayer = async (service: string, name: string): Promise<string> => {
    const deadline = Date.now() + 120_000;
    const key = randomUUID();
    let last = '';
    while (Date.now() < deadline) {
      const response = await fetch(`http://127.0.0.1:${port(service, 'http')}/players`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ name, startRoom: 'hall' }),
      }).catch((error: unknown) => error as Error);
      if (!(response instanceof Error) && response.status === 201)
        return ((await response.json()) as { playerId: string }).playerId;
      last =
        response instanceof Error
          ? response.message
          : `${response.status} ${await response.text()}`;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(
      `${service} decided no registration within 2 minutes (last answer: ${last.slice(0, 300)})\n${await fleetDiagnostics()}`,
    );
  };

  afterAll(async () => {
    await fleetDown().catch(() => undefined);
    await mongo
      ?.db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo?.close();
    for (const [name, value] of [
      ['QF_FLEET_ID', previous.id],
      ['QF_FLEET_PORT_OFFSET', previous.offset],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const fuzzRest = async (service: string, arbitrary: fc.Arbitrary<RestRequest>, runs: number) => {
    const pool = new Pool(`http://127.0.0.1:${port(service, 'http')}`, {
      connections: CONCURRENCY,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const found: string[] = [];
    try {
      await eachLimited(
        fc.sample(arbitrary, { numRuns: runs, seed: SEED }),
        CONCURRENCY,
        async (request) => {
          const response = await pool.request({
            method: request.method,
            path: request.path,
            headers: request.headers,
            ...(request.body !== undefined ? { body: request.body } : {}),
          });
          const text = await response.body.text();
          for (const violation of restViolations(
            response.statusCode,
            String(response.headers['content-type'] ?? ''),
            text,
          ))
            if (found.length < 10)
              found.push(`${request.method} ${request.path} ${request.body ?? ''} -> ${violation}`);
        },
      );
    } finally {
      await pool.close();
    }
    return found;
  };

  const fuzzGrpc = async (
    service: string,
    kind: 'PlayerCommands' | 'PlayerQueries',
    method: string,
    arbitrary: fc.Arbitrary<Record<string, unknown>>,
    runs: number,
  ) => {
    const client = new (grpcClients[kind] as any)(
      `127.0.0.1:${port(service, 'grpc')}`,
      grpc.credentials.createInsecure(),
    );
    const found: string[] = [];
    try {
      await eachLimited(
        fc.sample(arbitrary, { numRuns: runs, seed: SEED }),
        CONCURRENCY,
        async (request) => {
          const error = await new Promise<grpc.ServiceError | null>((resolve) =>
            client[method](
              request,
              { deadline: Date.now() + 30_000 },
              (failure: grpc.ServiceError | null) => resolve(failure),
            ),
          );
          for (const violation of grpcViolations(error))
            if (found.length < 10)
              found.push(`${method} ${JSON.stringify(request)} -> ${violation}`);
        },
      );
    } finally {
      client.close();
    }
    return found;
  };

  it.each([
    // The CRUD service is one front for both: it gets half of its requests as each.
    ['command-gateway', 'commands', 'es', RUNS],
    ['query-service', 'queries', 'es', RUNS],
    ['crud-service', 'commands', 'crud', Math.ceil(RUNS / 2)],
    ['crud-service', 'queries', 'crud', Math.floor(RUNS / 2)],
  ] as const)(
    'REST %s (%s): no 5xx, every 4xx a problem naming the field',
    async (service, api, arch, runs) => {
      const arbitrary =
        api === 'commands'
          ? commandRequestArbitrary(known[arch])
          : queryRequestArbitrary(known[arch]);
      await expectNoViolations(await fuzzRest(service, arbitrary, runs));
    },
  );

  const commandMethods = [
    'RegisterPlayer',
    'MovePlayer',
    'PickUpItem',
    'DropItem',
    'TakeDamage',
    'Heal',
    'GainExperience',
  ];
  const queryMethods = [
    'GetPlayer',
    'GetRoomPlayers',
    'GetLeaderboard',
    'GetHistory',
    'GetStateAt',
  ];
  it.each([
    ...commandMethods.map((method) => ['command-gateway', 'PlayerCommands', method, 'es'] as const),
    ...queryMethods.map((method) => ['query-service', 'PlayerQueries', method, 'es'] as const),
    ...commandMethods.map((method) => ['crud-service', 'PlayerCommands', method, 'crud'] as const),
    ...queryMethods.map((method) => ['crud-service', 'PlayerQueries', method, 'crud'] as const),
  ])(
    'gRPC %s %s.%s: no server error, every INVALID_ARGUMENT names the field',
    async (service, kind, method, arch) => {
      const arbitrary = grpcRequestArbitraries(known[arch])[method]!;
      // Each method is served by an ES and a CRUD server: half of its requests go to each.
      const runs = arch === 'es' ? Math.ceil(RUNS / 2) : Math.floor(RUNS / 2);
      await expectNoViolations(await fuzzGrpc(service, kind, method, arbitrary, runs));
    },
  );

  it('no service crashed or restarted', async () => {
    const status = await fleetStatus();
    expect(status.map((row) => [row.name, row.status, row.restarts])).toEqual(
      status.map((row) => [row.name, 'online', 0]),
    );
  });
});
