import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { MongoClient } from 'mongodb';
import { decodeRichStatus, grpcClients, HealthClient } from '@qf/player-api';
import { metricsRegistry } from '@qf/shared-observability';
import { eventually, uniqueName } from '@qf/shared-testing';
import { queryServiceConfig } from './query-service.config';
import { startQueryService, type RunningQueryService } from './query-service';

jest.setTimeout(60_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

describe('query-service gRPC: deadlines honoured, health per service', () => {
  const dbName = uniqueName('qf_qdead').replace(/-/g, '_');
  let service: RunningQueryService;
  let queries: any;

  beforeAll(async () => {
    process.env['QF_MONGO_DB'] = dbName;
    // minVersion may wait 10 s: far longer than the deadlines below.
    service = await startQueryService(
      queryServiceConfig({
        ...process.env,
        QF_HTTP_PORT: '0',
        QF_GRPC_PORT: '0',
        QF_QUERY_CACHE: '0',
        QF_MIN_VERSION_WAIT_MS: '10000',
      }),
    );
    queries = new grpcClients.PlayerQueries(
      `127.0.0.1:${service.grpcPort}`,
      grpc.credentials.createInsecure(),
    );
  });

  afterAll(async () => {
    queries?.close();
    await service?.close();
    const mongo = await new MongoClient(process.env['MONGO_URL']!).connect();
    await mongo
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  });

  const exceeded = async () =>
    (
      await metricsRegistry.getSingleMetric('qf_grpc_deadline_exceeded_total')?.get()
    )?.values.reduce((sum, { value }) => sum + value, 0) ?? 0;

  it('stops waiting at the deadline and answers DEADLINE_EXCEEDED itself, with a rich status', async () => {
    const before = await exceeded();
    const error = await new Promise<grpc.ServiceError>((resolve) =>
      queries.GetPlayer(
        { playerId: randomUUID(), minVersion: 5 },
        new grpc.Metadata(),
        { deadline: Date.now() + 500 },
        (failure: grpc.ServiceError) => resolve(failure),
      ),
    );
    expect(error.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // The server gave up at the deadline (not 10 s later): its own counter says so, whoever
    // answered first on a loaded machine.
    await eventually(async () => expect(await exceeded()).toBe(before + 1), { timeoutMs: 5000 });
    // When the server's answer arrived before the client's own timer, it carries the rich status.
    const trailer = error.metadata.get('grpc-status-details-bin')[0];
    if (trailer) {
      expect(decodeRichStatus(trailer as Buffer).details[0]?.value).toMatchObject({
        reason: 'REQUEST.DEADLINE_EXCEEDED',
        metadata: { retriable: 'true' },
      });
    }
  });

  it('serves health for itself and its one service only', async () => {
    const health = new HealthClient(
      `127.0.0.1:${service.grpcPort}`,
      grpc.credentials.createInsecure(),
    ) as any;
    const check = (name: string) =>
      new Promise<{ code?: number; status?: string }>((resolve) =>
        health.Check(
          { service: name },
          (error: grpc.ServiceError | null, answer?: { status: string }) =>
            resolve(error ? { code: error.code } : { status: answer?.status }),
        ),
      );
    expect(await check('questfleet.v1.PlayerQueries')).toEqual({
      status: expect.stringMatching(/^(NOT_)?SERVING$/),
    });
    expect(await check('questfleet.v1.PlayerCommands')).toEqual({ code: grpc.status.NOT_FOUND });
    health.close();
  });
});
