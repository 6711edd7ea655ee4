import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { extractTraceContext, shutdownTracing, tracing } from './tracing';

interface RequestTrace {
  readonly span: Span;
  readonly context: Context;
}

const traces = new WeakMap<FastifyRequest, RequestTrace>();

/**
 * A server span per HTTP request, child of the caller's `traceparent`, active while the
 * request is handled (so a command the gateway produces, or a query's wait, joins the
 * caller's trace). Nothing is registered when tracing is off: the request path then pays
 * nothing (no hook, no allocation).
 *
 * The span starts in onRequest (so it times the body too) and is made active in
 * preHandler, right before the handler: the handler then runs in it whatever async
 * context the body parsing resumed in.
 */
export const traceHttp = (fastify: FastifyInstance): void => {
  if (!tracing().enabled) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics' || route.startsWith('/health')) return done();
    const parent = extractTraceContext(request.headers);
    const span = trace.getTracer('quest-fleet').startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route },
      },
      parent,
    );
    traces.set(request, { span, context: trace.setSpan(parent, span) });
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    const active = traces.get(request);
    if (active) context.with(active.context, done);
    else done();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const active = traces.get(request);
    if (!active) return;
    active.span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) active.span.setStatus({ code: SpanStatusCode.ERROR });
    active.span.end();
  });
  fastify.addHook('onClose', async () => shutdownTracing());
};
