import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { InvalidEnvironmentError } from '@qf/shared-config';

/** Paths a probe must reach without the token (Kubernetes sends none). */
const OPEN_PATHS = new Set(['/health', '/health/live', '/health/ready']);

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * QF_API_TOKEN: when set, REST, gRPC and /metrics want `Authorization: Bearer <token>`.
 * Unset (or empty) means no authentication: the services then listen on 127.0.0.1 unless
 * QF_HOST says otherwise. A token shorter than 16 characters is refused at start.
 */
export const apiTokenFromEnv = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const token = env['QF_API_TOKEN'];
  if (token === undefined || token === '') return undefined;
  if (token.length < 16 || /\s/.test(token)) {
    throw new InvalidEnvironmentError(
      'QF_API_TOKEN',
      '(hidden)',
      'at least 16 characters without spaces',
    );
  }
  return token;
};

/** True when an Authorization header value carries the token (compared in constant time). */
export const bearerTokenMatches = (header: string | undefined, token: string): boolean => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1] as string), digest(token));
};

/**
 * Refuses every request but the health probes without the bearer token: 401
 * application/problem+json with a WWW-Authenticate challenge.
 */
export const requireBearerToken = (fastify: FastifyInstance, token: string): void => {
  fastify.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path)) return;
    if (bearerTokenMatches(request.headers.authorization, token)) return;
    await reply
      .status(401)
      .header('www-authenticate', 'Bearer realm="quest-fleet"')
      .header('content-type', 'application/problem+json')
      .send({
        type: 'https://quest-fleet.dev/problems/auth-unauthenticated',
        title: 'Unauthorized',
        status: 401,
        code: 'AUTH.UNAUTHENTICATED',
        detail: 'this service wants Authorization: Bearer <QF_API_TOKEN>',
        retriable: false,
      });
  });
};
