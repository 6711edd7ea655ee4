import { z } from 'zod';

// Field builders shared by the config schemas. Messages say what is allowed; the loader
// appends what it got and where (`experiments/x.yaml: k[1]: expected …, got "two" (line 4)`).

export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) => {
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

export const positiveNumber = (what = 'a number > 0') =>
  z
    .number({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .positive(`expected ${what}`)
    .finite(`expected ${what}`);

export const nonNegativeNumber = (what = 'a number >= 0') =>
  z
    .number({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .min(0, `expected ${what}`)
    .finite(`expected ${what}`);

export const ratio = (what = 'a ratio from 0 to 1') =>
  z
    .number({ invalid_type_error: `expected ${what}` })
    .min(0, `expected ${what}`)
    .max(1, `expected ${what}`);

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    errorMap: () => ({ message: `expected one of ${values.join(', ')}` }),
  });

export const text = (what: string) =>
  z
    .string({ invalid_type_error: `expected ${what}`, required_error: `required: ${what}` })
    .min(1, `expected ${what}`);

export const flag = () => z.boolean({ invalid_type_error: 'expected true or false' });

/** A map keyed by k values (`"1": …`), checked against the config's k list by the refinement. */
export const byK = <T extends z.ZodTypeAny>(value: T) =>
  z.record(z.string().regex(/^[1-9][0-9]*$/, 'expected a k value as key'), value);
