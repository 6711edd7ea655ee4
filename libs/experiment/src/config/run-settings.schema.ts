import { z } from 'zod';
import {
  flag,
  nonNegativeNumber,
  oneOf,
  positiveNumber,
  ratio,
  wholeNumber,
} from './schema-fields';

export const durationsSchema = z
  .object({
    /** Load before each measured step (not recorded), seconds. */
    warmupSeconds: nonNegativeNumber('seconds >= 0').default(5),
    /** Measured length of each step, seconds. */
    stepSeconds: positiveNumber('seconds > 0').default(10),
    /** Shortest pause between steps, seconds (the cool-down then waits for lag 0 and an idle system). */
    cooldownSeconds: nonNegativeNumber('seconds >= 0').default(1),
    /** Longest wait for lag 0 and an idle system after a step, seconds. */
    maxCooldownSeconds: positiveNumber('seconds > 0').default(30),
    /**
     * Unmeasured load on Kafka and the Mongo-wire server after they start, seconds: their JVMs
     * compile under load, so without it the first cell is measured on cold servers.
     */
    infraWarmupSeconds: nonNegativeNumber('seconds >= 0').default(0),
  })
  .strict();

export const searchSchema = z
  .object({
    /**
     * First offered rate when no earlier λ is known (an architecture's first cell), requests/s
     * at one unit of budget (scaled by the cell's cores); one rate, or one per architecture
     * (`{ es: 15, crud: 50 }`): a guess the search corrects, so a good one only saves steps.
     */
    startRate: z
      .union(
        [
          positiveNumber('requests/s > 0'),
          z
            .object({
              es: positiveNumber('requests/s > 0'),
              crud: positiveNumber('requests/s > 0'),
            })
            .strict(),
        ],
        {
          errorMap: () => ({ message: 'expected requests/s > 0, or { es: …, crud: … }' }),
        },
      )
      .default(50),
    /** Never offer more than this, requests/s. */
    maxRate: positiveNumber('requests/s > 0').default(5000),
    /** Never offer less than this, requests/s: below it the search gives up. */
    minRate: positiveNumber('requests/s > 0').default(5),
    /** Rate multiplier while an unseeded search has not found a failing rate. */
    growthFactor: z
      .number({ invalid_type_error: 'expected a number > 1' })
      .gt(1, 'expected a number > 1')
      .default(2),
    /** First move away from a seed (an earlier λ), as a share of it; doubles while the outcome repeats. */
    seedSpread: positiveNumber('a share > 0, e.g. 0.1').default(0.1),
    /** Bisection stops when the bracket is within this share of its lower end ... */
    resolution: positiveNumber('a share > 0, e.g. 0.05').default(0.05),
    /** ... or within this many requests/s, whichever is reached first. */
    resolutionRate: positiveNumber('requests/s > 0').default(10),
    /** Hard cap on measured steps per cell (reruns of polluted steps not counted). */
    maxSteps: wholeNumber(1, 100).default(12),
  })
  .strict();

export const sloSchema = z
  .object({
    /** T^ of the value function, milliseconds. */
    latencyMs: positiveNumber('milliseconds > 0').default(100),
    /** Which latency percentile is T (95 = p95). */
    percentile: z
      .union([z.literal(50), z.literal(95), z.literal(99)], {
        errorMap: () => ({ message: 'expected 50, 95 or 99' }),
      })
      .default(95),
    /** Largest share of failed requests (5xx, timeouts, OCC exhaustion) a passing step may have. */
    maxErrorRatio: ratio().default(0.01),
  })
  .strict();

export const METRIC_VARIANTS = ['jogalekar-woodside', 'thesis'] as const;
export type MetricVariant = (typeof METRIC_VARIANTS)[number];

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

export const metricSchema = z
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

export const measureSchema = z
  .object({
    /** Rebuild every view from offset 0 at an architecture's end state and time it. */
    replay: flag().default(true),
    /** Bytes on disk per state change (event log + snapshots vs document + audit log). */
    storagePerChange: flag().default(true),
    /** Requests per history / state-at latency probe. */
    historyProbes: wholeNumber(0).default(200),
    /** Time-to-consistency probes per cell (write, then poll the read side). */
    consistencyProbes: wholeNumber(0).default(100),
    /**
     * Offered rate while the consistency probes run, requests/s: the same for every cell so the
     * architectures are compared at equal load; unset: each cell's own λ.
     */
    consistencyRate: positiveNumber('requests/s > 0').optional(),
  })
  .strict();

/** The CPU budget of the system under test (docs/adr/0004-experiment-cpu-budget.md). */
export const budgetSchema = z
  .object({
    /** Cores per unit of k: the budget at k is k × unitCores. */
    unitCores: positiveNumber('cores > 0, e.g. 0.4').default(0.4),
    /** CFS period, milliseconds: short, so a throttled group never stalls for long. */
    periodMs: z
      .number({ invalid_type_error: 'expected milliseconds from 1 to 1000' })
      .min(1, 'expected milliseconds from 1 to 1000')
      .max(1000, 'expected milliseconds from 1 to 1000')
      .default(10),
    /** Cores the load generator and the harness keep outside the budget, checked against the machine. */
    reserveCores: nonNegativeNumber('cores >= 0').default(0.4),
  })
  .strict();

/** Steps during which other work on the machine took CPU are measured again. */
export const pollutionSchema = z
  .object({
    /** CPU used outside the system under test and the load generator, cores, above which a step is rerun. */
    maxForeignCores: nonNegativeNumber('cores >= 0').default(0.1),
    /** Reruns of one step at most; the last is kept, flagged, when all were polluted. */
    maxReruns: wholeNumber(0, 10).default(2),
    /**
     * Rerun polluted steps that held the SLO too (default false: other work can only have
     * slowed such a step, so its pass stands; a polluted miss is always measured again).
     */
    rerunPassing: flag().default(false),
  })
  .strict();

export const COST_MODELS = ['provisioned', 'provisioned+ops', 'on-use', 'on-use+ops'] as const;
export type CostModelId = (typeof COST_MODELS)[number];

export const costsSchema = z
  .object({
    /** Cost models reported; the first decides the verdict. */
    models: z
      .array(oneOf(COST_MODELS), {
        invalid_type_error: `expected a list of ${COST_MODELS.join(', ')}`,
      })
      .min(1, 'expected at least one cost model')
      .default(['provisioned', 'on-use', 'provisioned+ops', 'on-use+ops']),
    /** Months each stored byte is paid for: storage growth per second × this × the GiB-month price. */
    storageAmortisationMonths: positiveNumber('months > 0').default(1),
  })
  .strict();

export const statisticsSchema = z
  .object({
    /** Bootstrap resamples per interval. */
    resamples: wholeNumber(100, 100_000).default(4000),
    /** Confidence level of every interval. */
    level: z
      .number({ invalid_type_error: 'expected a level between 0.5 and 0.999' })
      .min(0.5, 'expected a level between 0.5 and 0.999')
      .max(0.999, 'expected a level between 0.5 and 0.999')
      .default(0.95),
    /** Significance level of the tests between architectures. */
    alpha: z
      .number({ invalid_type_error: 'expected a level between 0.001 and 0.5' })
      .min(0.001, 'expected a level between 0.001 and 0.5')
      .max(0.5, 'expected a level between 0.001 and 0.5')
      .default(0.05),
  })
  .strict();

/**
 * The data-volume curves (issue #13, item 5): after the cells, the ES event log is filled to
 * each size and every view rebuilt from offset 0 with each projector count; replay time,
 * events/s (next to one bare consumer's read rate) and bytes per event per size.
 */
export const dataVolumeSchema = z
  .object({
    /** History sizes, events (e.g. 10⁴, 10⁵, 10⁶). */
    sizes: z
      .array(wholeNumber(1000, 100_000_000), {
        invalid_type_error: 'expected a list of event counts',
      })
      .min(1, 'expected at least one size'),
    /** Projector replicas per rebuild. */
    projectors: z
      .array(wholeNumber(1, 16), { invalid_type_error: 'expected a list of replica counts' })
      .min(1)
      .default([1, 2, 4]),
    /** Players whose histories make up the log. */
    players: wholeNumber(1).default(2000),
    partitions: wholeNumber(1, 1024).default(8),
  })
  .strict();
