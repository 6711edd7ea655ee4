import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  freePort,
  startServiceProcess,
  type ServiceProcess,
  eventually,
  startOtlpCollector,
  uniqueName,
  type CollectedSpan,
  type OtlpCollector,
} from '@qf/shared-testing';
import { startWritePath, type WritePath } from '@qf/player-es-write/testing';
import { repoRoot } from '@qf/shared-config';
import { createMongoClient } from '@qf/shared-mongo';

jest.setTimeout(300_000);

// One command through the ES fleet with traces on: gateway, processor, projector and query
// service as child processes exporting OTLP/HTTP to a collector in this test. The client's
// traceparent must come out as one trace whose spans chain gateway -> processor -> projector
// (each the parent of the next), and the query that waits for the change joins it too.
describe('traces across the ES fleet (OTLP)', () => {
  let collector: OtlpCollector;
  let write: WritePath;
  const others: ServiceProcess[] = [];
  const dbName = uniqueName('qf_traces').replace(/[-.]/g, '_');

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      // Export within 100 ms instead of the SDK's 5 s batches: the test waits for the spans.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      QF_MONGO_DB: dbName,
    };
    write = await startWritePath({ processors: 1, partitions: 2, env });
    const logDir = path.join(repoRoot, '.local', 'logs', 'e2e', write.prefix.slice(0, -1));
    const shared = {
      ...env,
      QF_TOPIC_PREFIX: write.prefix,
      QF_PARTITIONS: String(write.partitions),
      QF_KAFKA_LOG_LEVEL: 'error',
    };
    const projectorPort = await freePort();
    others.push(
      await startServiceProcess({
        name: 'projector',
        entry: 'apps/projector/src/main.ts',
        healthPort: projectorPort,
        env: { ...shared, QF_HTTP_PORT: String(projectorPort), QF_PROJECTOR_CACHE: '0' },
        logFile: path.join(logDir, 'projector.log'),
      }),
    );
    const queryPort = await freePort();
    others.push(
      await startServiceProcess({
        name: 'query-service',
        entry: 'apps/query-service/src/main.ts',
        healthPort: queryPort,
        env: {
          ...shared,
          QF_HTTP_PORT: String(queryPort),
          QF_GRPC_PORT: String(await freePort()),
          QF_MIN_VERSION_WAIT_MS: '10000',
        },
        logFile: path.join(logDir, 'query-service.log'),
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(others.map((service) => service.stop(10_000)));
    await write?.stop();
    await collector?.close();
    const mongo = createMongoClient();
    await mongo
      .connect()
      .then(() => mongo.db(dbName).dropDatabase())
      .catch(() => undefined);
    await mongo.close();
  });

  it('one trace spans gateway -> processor -> projector, and the query that waits for the change', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${clientSpanId}-01`;
    const registered = await fetch(`${write.gatewayUrl}/players`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({ name: 'Traced Tracker', startRoom: 'gate' }),
    });
    expect(registered.status).toBe(201);
    const { playerId } = (await registered.json()) as { playerId: string };
    const query = await fetch(`${others[1]?.baseUrl}/players/${playerId}?minVersion=1`, {
      headers: { traceparent },
    });
    expect(query.status).toBe(200);

    const inTrace = () => collector.spans.filter((span) => span.traceId === traceId);
    // Services are named as started (the harness numbers processors: command-processor-1).
    const one = (service: string, prefix: string): CollectedSpan => {
      const found = inTrace().filter(
        (span) => span.service.startsWith(service) && span.name.startsWith(prefix),
      );
      expect(found.map((span) => span.name)).toHaveLength(1);
      return found[0] as CollectedSpan;
    };
    await eventually(
      () => {
        const http = one('command-gateway', 'POST /players');
        const decide = one('command-processor', 'decide RegisterPlayer');
        const projected = inTrace().filter((span) => span.service === 'projector');
        const answer = one('query-service', 'GET /players/');
        expect(http.parentSpanId).toBe(clientSpanId);
        expect(decide.parentSpanId).toBe(http.spanId);
        expect(projected.map((span) => span.name)).toEqual(['project PlayerRegistered']);
        expect(projected[0]?.parentSpanId).toBe(decide.spanId);
        expect(answer.parentSpanId).toBe(clientSpanId);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // Health probes and /metrics never make spans; nothing else joined this trace.
    expect(collector.spans.some((span) => span.name.includes('/health'))).toBe(false);
    expect(inTrace()).toHaveLength(4);
  });
});
