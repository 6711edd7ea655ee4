import { z } from 'zod';
import { OPERATION_KINDS } from '@qf/loadgen';

/** The two architectures under test. */
export const ARCHITECTURES = ['es', 'crud'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The REST operations a workload mix can weigh: the load generator's (design.md, "Interfaces"). */
export const OPERATIONS = OPERATION_KINDS;
export type Operation = (typeof OPERATIONS)[number];

/** Operations that change state (they append an event / write the document). */
export const WRITE_OPERATIONS: readonly Operation[] = [
  'register',
  'move',
  'pick-up',
  'drop',
  'take-damage',
  'heal',
  'gain-experience',
];

export const METRIC_VARIANTS = ['jogalekar-woodside', 'thesis'] as const;
export type MetricVariant = (typeof METRIC_VARIANTS)[number];

/** The scalable services of each side (replicated k times on the resources axis). */
export const DEFAULT_SCALABLE_SERVICES: Readonly<Record<Architecture, readonly string[]>> = {
  es: ['command-gateway', 'command-processor', 'projector', 'query-service'],
  crud: ['crud-service', 'outbox-relay', 'audit-consumer'],
};

// Messages say what is allowed; the loader appends what it got and where.
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) => {
  const allowed =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number >= ${min}`
      : `a whole number from ${min} to ${max}`;
  const message = `expected ${allowed}`;
  return z
    .number({ invalid_type_error: message, required_error: `required: ${allowed}` })
    .int(message)
    .min(min, message)
    .max(max, message);
};

const positiveNumber = (what = 'a number > 0') =>
  z
    .number({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .positive(`expected ${what}`)
    .finite(`expected ${what}`);

const nonNegativeNumber = (what = 'a number >= 0') =>
  z
    .number({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .min(0, `expected ${what}`)
    .finite(`expected ${what}`);

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    errorMap: () => ({ message: `expected one of ${values.join(', ')}` }),
  });

const text = (what: string) =>
  z
    .string({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .min(1, `expected ${what}`);

const keyDistributionSchema = z.discriminatedUnion(
  'distribution',
  [
    z.object({ distribution: z.literal('uniform') }).strict(),
    z
      .object({
        distribution: z.literal('zipf'),
        /** Zipf exponent s: P(rank r) ~ 1 / r^s (1.0 is the classic hot-key skew). */
        exponent: positiveNumber('a Zipf exponent > 0 (e.g. 1.0)'),
      })
      .strict(),
  ],
  {
    errorMap: () => ({
      message: 'expected distribution: uniform, or distribution: zipf with an exponent',
    }),
  },
);
export type KeyDistribution = z.infer<typeof keyDistributionSchema>;

const operationWeightsSchema = z
  .record(oneOf(OPERATIONS), nonNegativeNumber('a weight >= 0'))
  .refine((weights) => Object.values(weights).some((weight) => weight > 0), {
    message: 'expected at least one operation with a weight > 0',
  });

const workloadSchema = z
  .object({
    /** Unique name of the mix (write-heavy, read-heavy, mixed, hot-key, ...). */
    name: text('a name (letters, digits, dashes)').regex(
      /^[a-z0-9][a-z0-9-]*$/,
      'expected lower-case letters, digits and dashes',
    ),
    /** Relative weights; normalised at run time. */
    operations: operationWeightsSchema,
    keys: keyDistributionSchema.default({ distribution: 'uniform' }),
    /** Players registered before the measurement and addressed by the mix. */
    players: wholeNumber(1).default(1000),
  })
  .strict();
export type WorkloadMix = z.infer<typeof workloadSchema>;

const durationsSchema = z
  .object({
    /** Load before each measured step (not recorded), seconds. */
    warmupSeconds: nonNegativeNumber('seconds >= 0').default(5),
    /** Measured length of each step, seconds. */
    stepSeconds: positiveNumber('seconds > 0').default(10),
    /** Pause between steps so queues drain, seconds. */
    cooldownSeconds: nonNegativeNumber('seconds >= 0').default(2),
    /**
     * Unmeasured load on Kafka and the Mongo-wire server before the first cell, seconds: their
     * JVMs compile under load, so without it the first cell is measured on cold servers.
     */
    infraWarmupSeconds: nonNegativeNumber('seconds >= 0').default(0),
  })
  .strict();

const searchSchema = z
  .object({
    /** First offered arrival rate, requests/s. */
    startRate: positiveNumber('requests/s > 0').default(100),
    /** Never offer more than this, requests/s. */
    maxRate: positiveNumber('requests/s > 0').default(5000),
    /** Rate multiplier while the SLO holds. */
    growthFactor: z
      .number({ invalid_type_error: 'expected a number > 1' })
      .gt(1, 'expected a number > 1')
      .default(2),
    /** Bisection steps between the last passing and the first failing rate. */
    bisectionSteps: wholeNumber(0, 20).default(2),
    /** Hard cap on measured steps per (architecture, workload, k). */
    maxSteps: wholeNumber(1, 100).default(8),
  })
  .strict();

const sloSchema = z
  .object({
    /** T^ of the value function, milliseconds. */
    latencyMs: positiveNumber('milliseconds > 0').default(100),
    /** Which latency percentile is T (95 = p95). */
    percentile: z
      .union([z.literal(50), z.literal(95), z.literal(99)], {
        errorMap: () => ({ message: 'expected 50, 95 or 99' }),
      })
      .default(95),
    /** Largest share of failed requests (5xx, timeouts, transport errors) a passing step may have. */
    maxErrorRatio: z
      .number({ invalid_type_error: 'expected a ratio from 0 to 1' })
      .min(0, 'expected a ratio from 0 to 1')
      .max(1, 'expected a ratio from 0 to 1')
      .default(0.01),
  })
  .strict();

/** Weights of the thesis cost function (lukas-karsch/thesis, performance-tests/scalability_function.py). */
const thesisWeightsSchema = z
  .object({
    cpu: nonNegativeNumber().default(1.0),
    storage: nonNegativeNumber().default(0.5),
    threads: nonNegativeNumber().default(1.0),
    db: nonNegativeNumber().default(1.0),
    readVisible: nonNegativeNumber().default(3.0),
  })
  .strict();

const metricSchema = z
  .object({
    variant: oneOf(METRIC_VARIANTS).default('jogalekar-woodside'),
    thesis: z
      .object({
        weights: thesisWeightsSchema.default({}),
        /** Saturation limit of the "threads" term (Tomcat's default max threads in the thesis). */
        threadLimit: positiveNumber().default(200),
        /** Saturation limit of the "db" term (HikariCP's default pool size in the thesis). */
        dbConnectionLimit: positiveNumber().default(10),
      })
      .strict()
      .default({}),
  })
  .strict();

const measureSchema = z
  .object({
    /** Rebuild every view from offset 0 after the last k and time it. */
    replay: z.boolean({ invalid_type_error: 'expected true or false' }).default(true),
    /** Bytes on disk per state change (event log + snapshots vs document + audit log). */
    storagePerChange: z.boolean({ invalid_type_error: 'expected true or false' }).default(true),
    /** Requests per history / state-at latency probe. */
    historyProbes: wholeNumber(0).default(200),
    /** Time-to-consistency probes per step (write, then poll the read side). */
    consistencyProbes: wholeNumber(0).default(100),
  })
  .strict();

const replicaOverridesSchema = z.record(
  z.string().regex(/^[1-9][0-9]*$/, 'expected a k value as key'),
  z.record(text('a service name'), wholeNumber(0)),
);

const rateTableSchema = z.record(
  z.string().regex(/^[1-9][0-9]*$/, 'expected a k value as key'),
  positiveNumber('requests/s > 0'),
);

const servicesSchema = z
  .object({
    es: z.array(text('a service name')).min(1, 'expected at least one service').optional(),
    crud: z.array(text('a service name')).min(1, 'expected at least one service').optional(),
  })
  .strict()
  .default({});

/** What the YAML holds, before the cross-field checks and defaults derived from other fields. */
export const experimentConfigSchema = z
  .object({
    name: text('a name'),
    description: z.string({ invalid_type_error: 'expected text' }).optional(),
    architectures: z
      .array(oneOf(ARCHITECTURES), {
        invalid_type_error: 'expected a list of architectures, e.g. [es, crud]',
      })
      .min(1, 'expected at least one of es, crud')
      .refine(
        (list) => new Set(list).size === list.length,
        'expected each architecture at most once',
      ),
    /** resources: k replicas per scalable service; load: k scales the offered rate at fixed replicas. */
    axis: oneOf(['resources', 'load'] as const),
    k: z
      .array(wholeNumber(1), {
        invalid_type_error: 'expected a list of whole numbers >= 1, e.g. [1, 2]',
      })
      .min(1, 'expected at least one k')
      .refine(
        (list) => list.every((value, index) => index === 0 || value > (list[index - 1] ?? 0)),
        'expected strictly increasing values',
      ),
    /** Scalable services per architecture (default: the fleet's consumers and HTTP fronts). */
    services: servicesSchema,
    /** Resources axis: explicit replicas per k and service, overriding "k of each". */
    replicas: replicaOverridesSchema.default({}),
    /** Load axis: offered rate per k (requests/s). */
    offeredRates: rateTableSchema.optional(),
    /** Load axis alternative: offered rate = baseRate x k. */
    baseRate: positiveNumber('requests/s > 0').optional(),
    /** Partitions of every write-path topic: the same at every k. */
    partitions: wholeNumber(1, 1024).default(8),
    workloads: z
      .array(workloadSchema, { invalid_type_error: 'expected a list of workload mixes' })
      .min(1, 'expected at least one workload mix'),
    durations: durationsSchema.default({}),
    search: searchSchema.default({}),
    slo: sloSchema.default({}),
    psiThreshold: positiveNumber('a number > 0 (0.8 by default)').default(0.8),
    metric: metricSchema.default({}),
    /** Price file, relative to this config file. */
    prices: text('a path to a price file').default('../config/prices.yaml'),
    measure: measureSchema.default({}),
    /** Largest k of the USL projection (beyond the measured k). */
    projectToK: wholeNumber(1, 1024).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = config.workloads.map((workload) => workload.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['workloads', index, 'name'],
          message: `expected a unique name ("${name}" is used twice)`,
        });
      }
    });
    if (config.axis === 'load') {
      if (!config.offeredRates && config.baseRate === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['offeredRates'],
          message: 'the load axis needs offeredRates (k -> requests/s) or baseRate',
        });
      }
      for (const k of config.k) {
        if (
          config.offeredRates &&
          config.offeredRates[String(k)] === undefined &&
          config.baseRate === undefined
        ) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['offeredRates'],
            message: `expected a rate for k = ${k} (one per k on the load axis)`,
          });
        }
      }
    } else {
      if (config.offeredRates || config.baseRate !== undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [config.offeredRates ? 'offeredRates' : 'baseRate'],
          message:
            'only allowed with axis: load (the resources axis searches for the rate at each k)',
        });
      }
      if (config.search.maxRate < config.search.startRate) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['search', 'maxRate'],
          message: `expected a rate >= search.startRate (${config.search.startRate})`,
        });
      }
    }
    for (const key of Object.keys(config.replicas)) {
      if (!config.k.includes(Number(key))) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['replicas', key],
          message: `expected one of the k values (${config.k.join(', ')})`,
        });
      }
    }
    const largestK = config.axis === 'resources' ? Math.max(...config.k) : 1;
    const largestOverride = Math.max(
      0,
      ...Object.values(config.replicas).flatMap((services) => Object.values(services)),
    );
    const largestReplicas = Math.max(largestK, largestOverride);
    if (config.partitions < largestReplicas) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['partitions'],
        message: `expected at least ${largestReplicas} (the largest replica count), so every consumer replica owns a partition`,
      });
    }
  });

export type ExperimentConfigInput = z.input<typeof experimentConfigSchema>;
type ParsedConfig = z.output<typeof experimentConfigSchema>;

/** Replicas of each scalable service, and the offered rate on the load axis, at one k. */
export interface ScalePoint {
  readonly k: number;
  readonly replicas: Readonly<Record<Architecture, Readonly<Record<string, number>>>>;
  /** Load axis only: the fixed offered rate at this k (requests/s). */
  readonly offeredRate?: number;
}

/** A validated experiment configuration with every default filled in. */
export type ExperimentConfig = Omit<ParsedConfig, 'services'> & {
  readonly services: Readonly<Record<Architecture, readonly string[]>>;
  /** Absolute path of the price file. */
  readonly pricesPath: string;
  /** One entry per k, in order. */
  readonly scale: readonly ScalePoint[];
  readonly projectToK: number;
};
