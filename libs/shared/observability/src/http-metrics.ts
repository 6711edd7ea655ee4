import type { FastifyInstance } from 'fastify';
import { counter, histogram } from './metrics';

const requests = counter({ name: 'qf_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'] });
const duration = histogram({ name: 'qf_http_request_duration_seconds', help: 'HTTP request latency by route', labelNames: ['method', 'route'] });

/** Records rate and latency of every HTTP request, labelled by the route pattern (not the raw URL). */
export const instrumentHttp = (fastify: FastifyInstance): void => {
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
};
