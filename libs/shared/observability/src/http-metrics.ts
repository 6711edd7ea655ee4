import type { FastifyInstance } from 'fastify';
import { counter, histogram } from './metrics';

const requests = counter({
  name: 'qf_http_requests_total',
  help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'],
});
const duration = histogram({
  name: 'qf_http_request_duration_seconds',
  help: 'HTTP request latency by route',
  labelNames: ['method', 'route'],
});

// The series of each method + route (+ status), resolved once: prom-client hashes the labels
// of every labelled call, which on a hot route cost more than the counting itself.
const seriesCache = new Map<
  string,
  { count: { inc: () => void }; time: { observe: (seconds: number) => void } }
>();

const seriesFor = (method: string, route: string, status: number) => {
  const key = `${method} ${route} ${status}`;
  let series = seriesCache.get(key);
  if (!series) {
    series = {
      count: requests.labels(method, route, String(status)),
      time: duration.labels(method, route),
    };
    seriesCache.set(key, series);
  }
  return series;
};

/** Records rate and latency of every HTTP request, labelled by the route pattern (not the raw URL). */
export const instrumentHttp = (fastify: FastifyInstance): void => {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route !== '/metrics') {
      const series = seriesFor(request.method, route, reply.statusCode);
      series.count.inc();
      series.time.observe(reply.elapsedTime / 1000);
    }
    done();
  });
};
