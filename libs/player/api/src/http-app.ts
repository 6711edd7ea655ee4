import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { instrumentHttp, JsonNestLogger, traceHttp } from '@qf/shared-observability';
import { sendProblem } from './rest/problem.filter';

/** Request bodies above this are refused with 413 (QF_BODY_LIMIT overrides). */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

export interface HttpAppOptions {
  readonly service: string;
  readonly port: number;
  readonly host?: string;
  readonly bodyLimit?: number;
}

/**
 * Creates and starts a Nest app on Fastify the way every Quest Fleet service runs:
 * JSON logs, problem+json for every error (including the body parser's: malformed JSON,
 * too large), request metrics, traces (when on), graceful shutdown on SIGTERM.
 */
export const createHttpApp = async (module: unknown, options: HttpAppOptions): Promise<NestFastifyApplication> => {
  process.env['QF_SERVICE'] ??= options.service;
  // No Quest Fleet service uses Nest middleware: without middie, no request runs its hook.
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, logger: false, skipMiddie: true });
  const fastify = adapter.getInstance();
  instrumentHttp(fastify);
  // A server span per request when OTEL_EXPORTER_OTLP_ENDPOINT is set; nothing at all otherwise.
  traceHttp(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new JsonNestLogger(options.service),
    abortOnError: false,
  });
  fastify.setErrorHandler((error, _request, reply) => sendProblem(reply, error));
  // Unknown routes: Nest's own not-found handler throws, and ProblemFilter answers.
  app.enableShutdownHooks();
  await app.listen(options.port, options.host ?? process.env['QF_HOST'] ?? '0.0.0.0');
  return app;
};
