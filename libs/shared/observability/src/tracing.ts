import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkTraceBase from '@opentelemetry/sdk-trace-base';
import type * as SdkTraceNode from '@opentelemetry/sdk-trace-node';

/**
 * Distributed traces (OpenTelemetry, W3C trace context). Off unless
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set: then the
 * official SDK exports spans over OTLP/HTTP in batches. Off, every helper here returns
 * after one boolean test, and the SDK is never loaded.
 *
 * The trace context travels in the `traceparent` / `tracestate` headers: HTTP requests
 * in, Kafka records between services (commands, events, audit records).
 */

interface TracingState {
  readonly enabled: boolean;
  readonly shutdown: () => Promise<void>;
}

let state: TracingState | undefined;

const OFF: TracingState = { enabled: false, shutdown: async () => undefined };

const start = (env: NodeJS.ProcessEnv): TracingState => {
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!endpoint || env['OTEL_SDK_DISABLED'] === 'true' || env['OTEL_TRACES_EXPORTER'] === 'none')
    return OFF;
  // Loaded only when tracing is on: a fleet without OTLP pays nothing for the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof SdkTraceNode;
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof SdkTraceBase;
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env['OTEL_SERVICE_NAME'] || env['QF_SERVICE'] || 'quest-fleet',
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  // The W3C trace-context propagator and an AsyncLocalStorage context manager.
  provider.register();
  // An unreachable collector must not turn a clean shutdown into a failed one.
  return { enabled: true, shutdown: () => provider.shutdown().catch(() => undefined) };
};

/** Starts tracing on first use, from the environment; later calls answer the same state. */
export const tracing = (env: NodeJS.ProcessEnv = process.env): TracingState =>
  (state ??= start(env));

/** Flushes and stops the exporter (the HTTP app calls it on close). */
export const shutdownTracing = async (): Promise<void> => {
  await state?.shutdown();
};

/** What kafkajs and Node's HTTP server give as headers. */
type HeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;
export type TraceCarrier = Record<string, HeaderValue>;

const firstString = (value: HeaderValue): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'string' ? first : (first as Buffer).toString('utf8');
};

const setter: TextMapSetter<TraceCarrier> = {
  set: (carrier, key, value) => void (carrier[key] = value),
};
const getter: TextMapGetter<TraceCarrier | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get: (carrier, key) => firstString(carrier?.[key]),
};

/** Adds the trace context (default: the active one) to outgoing headers; returns them. */
export const injectTraceContext = <C extends TraceCarrier>(
  headers: C,
  from: Context = context.active(),
): C => {
  if (tracing().enabled) propagation.inject(from, headers, setter);
  return headers;
};

/**
 * Adds the active trace context to a Kafka message's headers (creating them), in place, and
 * returns the message. Off, it returns the message untouched: no header, no allocation.
 */
export const traceMessage = <M extends { headers?: TraceCarrier }>(
  message: M,
  from?: Context,
): M => {
  if (!tracing().enabled) return message;
  propagation.inject(from ?? context.active(), (message.headers ??= {}), setter);
  return message;
};

/** The trace context incoming headers carry (the root context when none, or tracing is off). */
export const extractTraceContext = (headers: TraceCarrier | undefined): Context =>
  tracing().enabled && headers ? propagation.extract(ROOT_CONTEXT, headers, getter) : ROOT_CONTEXT;

/** The active trace context, to carry across a queue or batch the async context does not follow. */
export const activeTraceContext = (): Context => context.active();

export interface SpanOptions {
  readonly kind?: SpanKind;
  /** The parent: an extracted context, or a captured one (default: the active context). */
  readonly parent?: Context;
  readonly attributes?: Attributes;
}

/**
 * Runs `work` inside a span (active for its duration, so Kafka headers written meanwhile
 * carry it), ends the span and records an error. Off: runs `work` with a no-op span.
 */
export const inSpan = <T>(name: string, options: SpanOptions, work: (span: Span) => T): T => {
  if (!tracing().enabled) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  const parent = options.parent ?? context.active();
  const span = trace.getTracer('quest-fleet').startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  const fail = (error: unknown) => {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  try {
    const result = context.with(trace.setSpan(parent, span), () => work(span));
    if (result instanceof Promise) {
      return result.then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          fail(error);
          throw error;
        },
      ) as T;
    }
    span.end();
    return result;
  } catch (error) {
    fail(error);
    throw error;
  }
};

/** A span started by hand (per record of a batch): end it yourself; `context` carries it. */
export interface StartedSpan {
  readonly span: Span;
  readonly context: Context;
}

const NO_SPAN: StartedSpan = {
  span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
  context: ROOT_CONTEXT,
};

/** Starts a span without making it active; off: a no-op span and the root context. */
export const startSpan = (name: string, options: SpanOptions = {}): StartedSpan => {
  if (!tracing().enabled) return NO_SPAN;
  const parent = options.parent ?? context.active();
  const span = trace.getTracer('quest-fleet').startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      ...(options.attributes ? { attributes: options.attributes } : {}),
    },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
};

/** Ends spans started by hand, marking them failed with `error` when given. */
export const endSpans = (spans: Iterable<StartedSpan>, error?: unknown): void => {
  for (const { span } of spans) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
};

export { SpanKind, SpanStatusCode };
