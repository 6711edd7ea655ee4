import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { extractTraceContext, shutdownTracing, tracing } from './tracing';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A server span per HTTP request, child of the caller's `traceparent`, active while the
 * request is handled (so a command the gateway produces, or a query's wait, joins the
 * caller's trace). Nothing is registered when tracing is off.
 */
export const traceHttp = (fastify: FastifyInstance): void => {
  if (!tracing().enabled) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = extractTraceContext(request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics' || route.startsWith('/health')) return done();
    const span = trace
      .getTracer('quest-fleet')
      .startSpan(
        `${request.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'http.route': route },
        },
        parent,
      );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  fastify.addHook('onClose', async () => shutdownTracing());
};
