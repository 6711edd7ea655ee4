import { z } from 'zod';
import {
  budgetSchema,
  costsSchema,
  dataVolumeSchema,
  durationsSchema,
  measureSchema,
  metricSchema,
  pollutionSchema,
  searchSchema,
  sloSchema,
  statisticsSchema,
} from './run-settings.schema';
import { fleetSchema } from './fleet.schema';
import { byK, oneOf, positiveNumber, text, wholeNumber } from './schema-fields';
import { workloadSchema } from './workload.schema';

export {
  OPERATIONS,
  WRITE_OPERATIONS,
  type KeyDistributionConfig,
  type WorkloadMix,
} from './workload.schema';
export {
  COST_MODELS,
  METRIC_VARIANTS,
  type CostModelId,
  type MetricVariant,
} from './run-settings.schema';

/** The two architectures under test. */
export const ARCHITECTURES = ['es', 'crud'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The scalable services of each side (replicated k times on the resources axis). */
export const DEFAULT_SCALABLE_SERVICES: Readonly<Record<Architecture, readonly string[]>> = {
  es: ['command-gateway', 'command-processor', 'projector', 'query-service'],
  crud: ['crud-service', 'outbox-relay', 'audit-consumer'],
};

const replicaOverridesSchema = byK(z.record(text('a service name'), wholeNumber(0)));

const rateTableSchema = byK(positiveNumber('requests/s > 0'));

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
    /**
     * Load axis alternative: offered rate = this share of the architecture's λ, searched in the
     * same cell first, so both architectures are compared at equal fractions of their capacity.
     */
    loadFractions: byK(
      z
        .number({ invalid_type_error: 'expected a share of λ > 0 and <= 1.5' })
        .gt(0, 'expected a share of λ > 0 and <= 1.5')
        .max(1.5, 'expected a share of λ > 0 and <= 1.5'),
    ).optional(),
    /** How the CRUD side writes its audit event: in the document's outbox, or published after the write (the baseline). */
    crudAudit: oneOf(['outbox', 'dual-write'] as const).default('outbox'),
    /** Partitions of every write-path topic: the same at every k. */
    partitions: wholeNumber(1, 1024).default(8),
    workloads: z
      .array(workloadSchema, { invalid_type_error: 'expected a list of workload mixes' })
      .min(1, 'expected at least one workload mix'),
    /** The fleet under test: started here inside CPU budgets (default), or a remote one. */
    fleet: fleetSchema.default({ mode: 'local' }),
    /**
     * An unmeasured pilot per architecture before the first cell (fleet at the largest budget,
     * load ramped until the SLO breaks): warms the JVMs on the real request mix and seeds the
     * first searches near λ.
     */
    pilot: z.boolean({ invalid_type_error: 'expected true or false' }).default(true),
    /** Each cell measured this many times, in randomized interleaved order. */
    repetitions: wholeNumber(1, 50).default(1),
    /** randomized: each round of repetitions in a shuffled order; sequential: as listed (debugging). */
    order: oneOf(['randomized', 'sequential'] as const).default('randomized'),
    /** Seed of the shuffle (default: from the run's start time; recorded either way). */
    orderSeed: wholeNumber(0).optional(),
    budget: budgetSchema.default({}),
    durations: durationsSchema.default({}),
    search: searchSchema.default({}),
    slo: sloSchema.default({}),
    pollution: pollutionSchema.default({}),
    costs: costsSchema.default({}),
    statistics: statisticsSchema.default({}),
    psiThreshold: positiveNumber('a number > 0 (0.8 by default)').default(0.8),
    metric: metricSchema.default({}),
    /** Price file, relative to this config file. */
    prices: text('a path to a price file').default('../config/prices.yaml'),
    measure: measureSchema.default({}),
    /** Replay time and rate against history size (ES), after the cells; absent: not measured. */
    dataVolume: dataVolumeSchema.optional(),
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
      if (!config.offeredRates && config.baseRate === undefined && !config.loadFractions) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['offeredRates'],
          message:
            'the load axis needs offeredRates (k -> requests/s), baseRate or loadFractions (k -> share of λ)',
        });
      }
      for (const k of config.k) {
        if (config.loadFractions && config.loadFractions[String(k)] === undefined)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['loadFractions'],
            message: `expected a share of λ for k = ${k} (one per k)`,
          });
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
      if (config.offeredRates || config.baseRate !== undefined || config.loadFractions) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [
            config.offeredRates
              ? 'offeredRates'
              : config.loadFractions
                ? 'loadFractions'
                : 'baseRate',
          ],
          message:
            'only allowed with axis: load (the resources axis searches for the rate at each k)',
        });
      }
      const starts =
        typeof config.search.startRate === 'number'
          ? [config.search.startRate]
          : Object.values(config.search.startRate);
      if (starts.some((start) => config.search.maxRate < start || config.search.minRate > start)) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['search', 'maxRate'],
          message: `expected search.minRate <= search.startRate (${starts.join(', ')}) <= search.maxRate`,
        });
      }
    }
    const smallestBudget =
      config.budget.unitCores * (config.axis === 'resources' ? Math.min(...config.k) : 1);
    if (smallestBudget * config.budget.periodMs < 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['budget', 'unitCores'],
        message: `expected at least ${(1 / config.budget.periodMs).toFixed(3)} cores at a ${config.budget.periodMs} ms period (the kernel's CFS quota is at least 1 ms)`,
      });
    }
    if (config.fleet.mode === 'remote') {
      for (const arch of config.architectures) {
        if (!config.fleet[arch])
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['fleet', arch],
            message: `expected the URLs of the remote ${arch} fleet (commands, reads)`,
          });
      }
      if (config.axis === 'resources' && config.k.length > 1 && !config.fleet.scaleCommand)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['fleet', 'scaleCommand'],
          message:
            'expected a command that scales the remote fleet to k (the resources axis changes k)',
        });
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

/** Replicas of each scalable service, the CPU budget, and the offered rate on the load axis, at one k. */
export interface ScalePoint {
  readonly k: number;
  /** Cores of the system under test's CPU budget at this k (resources axis: k × unit). */
  readonly budgetCores: number;
  /** Processors its JVMs are told (-XX:ActiveProcessorCount): the budget rounded up. */
  readonly jvmProcessors: number;
  readonly replicas: Readonly<Record<Architecture, Readonly<Record<string, number>>>>;
  /** Load axis only: the fixed offered rate at this k (requests/s). */
  readonly offeredRate?: number;
  /** Load axis with loadFractions: the share of the architecture's λ offered at this k. */
  readonly loadFraction?: number;
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
