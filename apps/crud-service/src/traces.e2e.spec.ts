import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { topicNames } from '@qf/contracts';
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
import { repoRoot } from '@qf/shared-config';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';

jest.setTimeout(300_000);

// One command through the CRUD side with traces on: crud-service, outbox-relay and
// audit-consumer as child processes exporting OTLP/HTTP to a collector in this test. The
// client's traceparent must come out as one trace: the HTTP span, the command's span, the
// relay's publish span (from the traceparent stored in the outbox entry) and the audit
// consumer's span, each the parent of the next.
describe('traces across the CRUD audit path (OTLP)', () => {
  let collector: OtlpCollector;
  const services: ServiceProcess[] = [];
  const prefix = `${uniqueName('trcrud')}.`;
  const dbName = uniqueName('qf_trcrud').replace(/[-.]/g, '_');

  beforeAll(async () => {
    collector = await startOtlpCollector();
    const logDir = path.join(repoRoot, '.local', 'logs', 'e2e', prefix.slice(0, -1));
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      // Export within 100 ms instead of the SDK's 5 s batches: the test waits for the spans.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      QF_MONGO_DB: dbName,
      QF_TOPIC_PREFIX: prefix,
      QF_PARTITIONS: '2',
      QF_KAFKA_LOG_LEVEL: 'error',
    };
    const start = async (name: string, extra: Record<string, string> = {}) => {
      const port = await freePort();
      services.push(
        await startServiceProcess({
          name,
          entry: `apps/${name}/src/main.ts`,
          healthPort: port,
          env: { ...env, ...extra, QF_HTTP_PORT: String(port) },
          logFile: path.join(logDir, `${name}.log`),
        }),
      );
    };
    await start('crud-service', { QF_GRPC_PORT: String(await freePort()) });
    await start('outbox-relay');
    await start('audit-consumer');
  });

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop(10_000)));
    await collector?.close();
    const mongo = createMongoClient();
    await mongo
      .connect()
      .then(() => mongo.db(dbName).dropDatabase())
      .catch(() => undefined);
    await mongo.close();
    const admin = createKafka('e2e-cleanup').admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({
        topics: Object.values(topicNames(prefix)).filter((topic) => existing.has(topic)),
      })
      .catch(() => undefined);
    await admin.disconnect();
  });

  it('one trace spans crud-service -> outbox -> relay -> audit consumer', async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpanId = randomBytes(8).toString('hex');
    const response = await fetch(`${services[0]?.baseUrl}/players`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${clientSpanId}-01`,
      },
      body: JSON.stringify({ name: 'Audited Alice', startRoom: 'gate' }),
    });
    expect(response.status).toBe(201);

    const inTrace = () => collector.spans.filter((span) => span.traceId === traceId);
    const one = (service: string, name: string): CollectedSpan => {
      const found = inTrace().filter((span) => span.service === service && span.name === name);
      expect(found.map((span) => `${span.service} ${span.name}`)).toHaveLength(1);
      return found[0] as CollectedSpan;
    };
    await eventually(
      () => {
        const http = one('crud-service', 'POST /players');
        const execute = one('crud-service', 'execute RegisterPlayer');
        const relay = one('outbox-relay', 'relay PlayerRegistered');
        const audit = one('audit-consumer', 'audit PlayerRegistered');
        expect(http.parentSpanId).toBe(clientSpanId);
        expect(execute.parentSpanId).toBe(http.spanId);
        expect(relay.parentSpanId).toBe(execute.spanId);
        expect(audit.parentSpanId).toBe(relay.spanId);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(inTrace()).toHaveLength(4);
  });
});
