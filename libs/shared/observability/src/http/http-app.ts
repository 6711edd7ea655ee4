import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { docsPage, openApiDocument, type ApiServiceName } from '@qf/contracts';
import { intFromEnv } from '@qf/shared-config';
import { apiTokenFromEnv, requireBearerToken } from '../api-token';
import { instrumentHttp } from '../http-metrics';
import { traceHttp } from '../http-tracing';
import { JsonNestLogger } from '../json-logger';
import { listenHost } from './listen-host';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  RequestTimeoutInterceptor,
} from './request-timeout.interceptor';
import { sendProblem } from './problem.filter';

/** Request bodies above this are refused with 413 (QF_BODY_LIMIT overrides). */
export const DEFAULT_BODY_LIMIT = 16 * 1024;
/** Longest path parameter Fastify routes (longer: 414); the validators refuse what they must below it. */
export const MAX_PARAM_LENGTH = 256;

export interface HttpAppOptions {
  readonly service: string;
  readonly port: number;
  readonly host?: string;
  readonly bodyLimit?: number;
  /** Serve this API's OpenAPI document at /openapi.json and a page showing it at /docs. */
  readonly openapi?: ApiServiceName;
  /** Handler time limit (504 past it); default QF_REQUEST_TIMEOUT_MS, else 10 s. */
  readonly requestTimeoutMs?: number;
  /** Bearer token wanted on everything but the health probes; default QF_API_TOKEN (none when unset). */
  readonly apiToken?: string;
}

/** A route the HTTP server registered: what the contract test checks against the document. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

const routesByApp = new WeakMap<object, RegisteredRoute[]>();

/** Every route the app's HTTP server registered (HEAD twins of GET routes left out). */
export const registeredRoutes = (app: NestFastifyApplication): readonly RegisteredRoute[] =>
  routesByApp.get(app.getHttpAdapter().getInstance()) ?? [];

/**
 * Creates and starts a Nest app on Fastify the way every Quest Fleet service runs:
 * JSON logs, problem+json for every error (including the body parser's: malformed JSON,
 * too large), request metrics, traces (when on), a bounded handler time (504), the optional bearer token
 * (QF_API_TOKEN) on REST and /metrics, graceful shutdown on SIGTERM. Listens on
 * 127.0.0.1 unless QF_HOST says otherwise.
 */
export const createHttpApp = async (
  module: unknown,
  options: HttpAppOptions,
): Promise<NestFastifyApplication> => {
  process.env['QF_SERVICE'] ??= options.service;
  const requestTimeoutMs =
    options.requestTimeoutMs ??
    intFromEnv('QF_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, { min: 100, max: 600_000 });
  const apiToken = options.apiToken ?? apiTokenFromEnv();
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: false,
    // No Quest Fleet service uses Nest middleware: without middie, no request runs its hook.
    skipMiddie: true,
    // A command id (an Idempotency-Key, up to 128 characters) goes in GET /commands/{commandId}:
    // Fastify's default of 100 would refuse a valid one with 414 before the route's own 400.
    // (Under routerOptions: the top-level option is deprecated, FSTDEP022.)
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors the router raises before any handler (a malformed URL, a path parameter past
    // maxParamLength: 414) are problems too.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
      void sendProblem(reply, error),
    // A client that sends its request too slowly (or never finishes it) gets 408.
    requestTimeout: requestTimeoutMs * 3,
  });
  const fastify = adapter.getInstance();
  const routes: RegisteredRoute[] = [];
  routesByApp.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  instrumentHttp(fastify);
  // A server span per request when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing at all otherwise.
  traceHttp(fastify);
  if (apiToken) requireBearerToken(fastify, apiToken);
  if (options.openapi) {
    const document = JSON.stringify(openApiDocument(options.openapi));
    const page = docsPage(`Quest Fleet ${options.openapi}`);
    fastify.get('/openapi.json', (_request, reply) =>
      reply.type('application/json').send(document),
    );
    fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  }
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new JsonNestLogger(options.service),
    abortOnError: false,
  });
  // No fastify.setErrorHandler here: Nest installs its exception layer as Fastify's error
  // handler when the app initialises (in listen), so one set now was replaced then (and
  // Fastify warned, FSTWRN004). Errors outside a handler (the body parser's) reach the app's
  // exception filters through that layer: ProblemFilter answers them where it is registered.
  app.useGlobalInterceptors(new RequestTimeoutInterceptor(requestTimeoutMs));
  // Unknown routes: Nest's own not-found handler throws, and ProblemFilter answers.
  app.enableShutdownHooks();
  await app.listen(options.port, options.host ?? listenHost());
  return app;
};
