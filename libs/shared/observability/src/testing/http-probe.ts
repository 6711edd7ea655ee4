// Run as its own process by tracing.int.spec.ts: a Fastify server with traceHttp takes a
// POST with a JSON body and a caller's traceparent; the handler writes a record the way the
// gateway does (traceMessage). The record must carry the request's server span, which the
// body parser would lose if the span were made active only before parsing.
import Fastify from 'fastify';
import { traceHttp } from '../http-tracing';
import { shutdownTracing, traceMessage, tracing } from '../tracing';

const main = async () => {
  if (!tracing().enabled) throw new Error('tracing is off: OTEL_EXPORTER_OTLP_ENDPOINT is not set');
  const app = Fastify();
  traceHttp(app);
  app.post('/players', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return traceMessage<{ value: string; headers?: Record<string, string> }>({
      value: JSON.stringify(request.body),
    });
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  const traceparent = process.argv[2] ?? '';
  // A real socket, not inject(): the body arrives in the socket's async context.
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const posted = await fetch(`${base}/players`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent },
    body: JSON.stringify({ name: 'Probe' }),
  });
  const record = await posted.text();
  await fetch(`${base}/health/live`, { headers: { traceparent } });
  await app.close();
  await shutdownTracing();
  process.stdout.write(`${record}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
