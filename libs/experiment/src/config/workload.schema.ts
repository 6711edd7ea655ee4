import { z } from 'zod';
import { OPERATION_KINDS, type OperationKind } from '@qf/loadgen';
import { nonNegativeNumber, oneOf, positiveNumber, text, wholeNumber } from './schema-fields';

/** The REST operations a workload mix can weigh: the load generator's (design.md, "Interfaces"). */
export const OPERATIONS = OPERATION_KINDS;

/** Operations that change state (they append an event / write the document). */
export const WRITE_OPERATIONS: readonly OperationKind[] = [
  'register',
  'move',
  'pick-up',
  'drop',
  'take-damage',
  'heal',
  'gain-experience',
];

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
export type KeyDistributionConfig = z.infer<typeof keyDistributionSchema>;

const operationWeightsSchema = z
  .record(oneOf(OPERATIONS), nonNegativeNumber('a weight >= 0'))
  .refine((weights) => Object.values(weights).some((weight) => weight > 0), {
    message: 'expected at least one operation with a weight > 0',
  });

export const workloadSchema = z
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
