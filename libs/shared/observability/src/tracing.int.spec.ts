import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startOtlpCollector, type OtlpCollector } from '@qf/shared-testing';

// The tracing helpers with the real SDK, in a process of their own, exporting to a
// collector in this test: a span injected into record headers and extracted on the other
// side is the parent of the next span, in the same trace.
const root = path.resolve(__dirname, '../../../..');
let collector: OtlpCollector;

beforeAll(async () => {
  collector = await startOtlpCollector();
});
afterAll(() => collector.close());

it('carries a span through record headers into a child span of the same trace', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', './tools/register.js', path.join(__dirname, 'testing/propagation-probe.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_SERVICE_NAME: 'propagation-probe',
      },
    },
  );
  const { traceparent } = JSON.parse(stdout) as { traceparent: string };
  expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

  const byName = (name: string) => collector.spans.find((span) => span.name === name);
  const [produce, decide, unrelated] = [
    byName('produce command'),
    byName('decide command'),
    byName('unrelated'),
  ];
  expect(produce?.service).toBe('propagation-probe');
  expect(traceparent).toBe(`00-${produce?.traceId}-${produce?.spanId}-01`);
  expect(decide?.traceId).toBe(produce?.traceId);
  expect(decide?.parentSpanId).toBe(produce?.spanId);
  expect(unrelated?.traceId).not.toBe(produce?.traceId);
  expect(unrelated?.parentSpanId).toBeUndefined();
});

it('makes the HTTP server span the parent of what a handler writes, and skips health probes', async () => {
  collector.spans.length = 0;
  const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', './tools/register.js', path.join(__dirname, 'testing/http-probe.ts'), caller],
    {
      cwd: root,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_SERVICE_NAME: 'http-probe',
      },
    },
  );
  const record = JSON.parse(stdout) as { headers?: { traceparent?: string } };
  const server = collector.spans.filter((span) => span.service === 'http-probe');
  expect(server.map((span) => span.name)).toEqual(['POST /players']);
  expect(server[0]?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  expect(server[0]?.parentSpanId).toBe('b7ad6b7169203331');
  expect(record.headers?.traceparent).toBe(
    `00-0af7651916cd43dd8448eb211c80319c-${server[0]?.spanId}-01`,
  );
});
