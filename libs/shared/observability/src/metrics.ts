import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** The process's metrics registry, served on GET /metrics (Prometheus text format). */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

// Several instances of one component may live in one process (tests, in-process
// replicas): they share the metric instead of failing on a duplicate registration.
const existing = <T>(name: string): T | undefined =>
  metricsRegistry.getSingleMetric(name) as T | undefined;

export const counter = <L extends string>(
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> =>
  existing<Counter<L>>(config.name) ?? new Counter<L>({ ...config, registers: [metricsRegistry] });

export const gauge = <L extends string>(
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> =>
  existing<Gauge<L>>(config.name) ?? new Gauge<L>({ ...config, registers: [metricsRegistry] });

/** Latency buckets in seconds, from 0.5 ms to 10 s. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export const histogram = <L extends string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> =>
  existing<Histogram<L>>(config.name) ??
  new Histogram<L>({ buckets: LATENCY_BUCKETS, ...config, registers: [metricsRegistry] });
