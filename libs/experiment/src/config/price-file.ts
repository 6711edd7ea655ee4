import { z } from 'zod';
import { loadYamlFile } from './yaml-file';

const price = (unit: string) =>
  z
    .number({
      invalid_type_error: `expected a price >= 0 in ${unit}`,
      required_error: `required: a price >= 0 in ${unit}`,
    })
    .min(0, `expected a price >= 0 in ${unit}`)
    .finite(`expected a price >= 0 in ${unit}`);

const sourceSchema = z
  .object({
    /** Which price this source backs (e.g. `vcpuHour`). */
    item: z.string().min(1, 'expected the name of the priced item'),
    /** Where the figure comes from (URL or document). */
    source: z.string().min(1, 'expected a URL or document name'),
    /** What the figure is, in words, with region and date. */
    note: z.string().min(1, 'expected a short description'),
  })
  .strict();

/** Unit prices that turn measured resources into a cost per second (the C of F = λ·f/C). */
export const priceBookSchema = z
  .object({
    currency: z.string().min(1).default('USD'),
    /** One vCPU for one hour; charged per CPU-second actually used. */
    vcpuHour: price('currency per vCPU-hour'),
    /** One GiB of RAM for one hour; charged on the average resident set size. */
    memoryGiBHour: price('currency per GiB-hour'),
    /** Block storage for the database (read models, documents, audit log), per GiB-month. */
    storageGiBMonth: price('currency per GiB-month'),
    /** Storage of the event store (Kafka's log of the event topics), per GiB-month: priced on its own. */
    eventStoreGiBMonth: price('currency per GiB-month'),
    /** Fixed operations cost of one running instance (process), per hour. */
    opsInstanceHour: price('currency per instance-hour'),
    /** Hours in a billing month (cloud bills use 730). */
    hoursPerMonth: z.number().positive('expected hours > 0').default(730),
    sources: z.array(sourceSchema).min(1, 'expected at least one source for the prices'),
  })
  .strict();

export type PriceBook = z.output<typeof priceBookSchema>;

/** Reads the price file; errors name the file and the field. */
export const loadPriceBook = (file: string): PriceBook => loadYamlFile(file, priceBookSchema);
