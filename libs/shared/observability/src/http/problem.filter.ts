import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { problemFor, type ProblemFields } from '@qf/contracts';
import { createLogger } from '../json-logger';

const log = createLogger(process.env['QF_SERVICE'] ?? 'api', 'problem');

/** Nest's own HttpExceptions (e.g. an unknown route) keep their status. */
const fromNest = (error: HttpException): unknown => ({
  statusCode: error.getStatus(),
  message: error.message,
});

/** Writes any error as application/problem+json; a 500 is logged with its stack, never sent. */
export const sendProblem = (reply: FastifyReply, error: unknown): FastifyReply => {
  const problem: ProblemFields = problemFor(
    error instanceof HttpException ? fromNest(error) : error,
  );
  if (problem.status >= 500 && problem.code === 'INTERNAL') log.error('unhandled error', { error });
  // A problem that says when to come back (overload, a dependency failing) says it in Retry-After too.
  if (typeof problem['retryAfter'] === 'number')
    void reply.header('retry-after', String(problem['retryAfter']));
  return reply
    .status(problem.status)
    .header('content-type', 'application/problem+json')
    .send(problem);
};

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    void sendProblem(host.switchToHttp().getResponse<FastifyReply>(), error);
  }
}
