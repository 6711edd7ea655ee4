// @qf/shared-observability/http: the Nest-on-Fastify HTTP server every service runs (JSON
// logs, problem+json errors, metrics, traces, a bounded handler time). Its own entry, so a
// process that only logs and counts does not load Nest and Fastify.
export {
  createHttpApp,
  DEFAULT_BODY_LIMIT,
  registeredRoutes,
  type HttpAppOptions,
  type RegisteredRoute,
} from './http-app';
export { DEFAULT_HOST, listenHost } from './listen-host';
export { ProblemFilter, sendProblem } from './problem.filter';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  RequestTimeoutInterceptor,
} from './request-timeout.interceptor';
