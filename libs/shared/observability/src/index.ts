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
export { refuseToRun } from './refuse-to-run';
export { ConsumerSpans, headerText, type ConsumerSpanSource } from './consumer-spans';
export { traceHttp } from './http-tracing';
export {
  activeTraceContext,
  endSpans,
  extractTraceContext,
  injectTraceContext,
  inSpan,
  shutdownTracing,
  SpanKind,
  SpanStatusCode,
  startSpan,
  traceMessage,
  tracing,
  type SpanOptions,
  type StartedSpan,
  type TraceCarrier,
} from './tracing';
