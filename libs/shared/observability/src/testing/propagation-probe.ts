// Run as its own process by tracing.int.spec.ts (the OTLP exporter loads Node's http
// module in a way Jest's module sandbox cannot): one span is carried through record
// headers, as a service hands a command to the next, into a child span.
import {
  extractTraceContext,
  injectTraceContext,
  inSpan,
  shutdownTracing,
  SpanKind,
  startSpan,
  tracing,
} from '../tracing';

const main = async () => {
  if (!tracing().enabled) throw new Error('tracing is off: OTEL_EXPORTER_OTLP_ENDPOINT is not set');
  const headers: Record<string, string | Buffer> = { 'qf-type': 'MovePlayer' };
  inSpan('produce command', { kind: SpanKind.PRODUCER }, () => injectTraceContext(headers));
  // kafkajs hands headers over as Buffers.
  const received = Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, Buffer.from(value)]),
  );
  const decided = startSpan('decide command', {
    kind: SpanKind.CONSUMER,
    parent: extractTraceContext(received),
  });
  decided.span.end();
  startSpan('unrelated', { parent: extractTraceContext({ 'qf-type': 'MovePlayer' }) }).span.end();
  await shutdownTracing();
  process.stdout.write(`${JSON.stringify({ traceparent: String(headers['traceparent']) })}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
