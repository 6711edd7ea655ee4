export { apiTokenFromEnv, bearerTokenMatches, requireBearerToken } from './api-token';
export {
  HealthChecks,
  type DegradationCheck,
  type HealthCheck,
  type HealthReport,
  type ReadinessStatus,
} from './health';
export { instrumentHttp } from './http-metrics';
export { createLogger, JsonNestLogger, type Logger } from './json-logger';
export { counter, gauge, histogram, LATENCY_BUCKETS, metricsRegistry } from './metrics';
export { ObservabilityModule } from './observability.module';
export { traceHttp } from './http-tracing';
export {
  activeTraceContext,
  extractTraceContext,
  injectTraceContext,
  inSpan,
  shutdownTracing,
  SpanKind,
  startSpan,
  tracing,
  type SpanOptions,
  type StartedSpan,
  type TraceCarrier,
} from './tracing';
