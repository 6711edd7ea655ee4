import fc from 'fast-check';
import type { ZodTypeAny } from 'zod';

/** A zod schema's internals, as far as the generators read them (zod 3). */
interface ZodDef {
  readonly typeName: string;
  readonly checks?: ReadonlyArray<{
    kind: string;
    value?: number;
    regex?: RegExp;
    inclusive?: boolean;
  }>;
  readonly innerType?: ZodTypeAny;
  readonly schema?: ZodTypeAny;
  readonly shape?: () => Record<string, ZodTypeAny>;
}

const defOf = (schema: ZodTypeAny): ZodDef => (schema as unknown as { _def: ZodDef })._def;

/** Strings people and attackers send: empty, spaces, control characters, unicode, very long, injection-shaped. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\u0007bell',
      'é',
      '😀',
      '../../etc/passwd',
      '{"$gt":""}',
      '$where',
      'null',
      '-1',
      'NaN',
      '1e309',
      'a'.repeat(300),
    ),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ maxLength: 2000 }),
  );

const hostileNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(
      0,
      -1,
      0.5,
      -0,
      Number.MAX_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      2 ** 63,
      -(2 ** 63),
      1e308,
    ),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );

/** Any JSON value (what a body field may hold when the client gets it wrong). */
export const anyJson = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: hostileString() },
    { weight: 3, arbitrary: hostileNumber() },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  );

const digitsString = (min: number, max: number) => fc.integer({ min, max }).map(String);

/**
 * Values a schema accepts, generated from its own checks (string length, uuid, regex,
 * datetime; integer bounds; optional fields; objects field by field).
 */
export const validArbitrary = (schema: ZodTypeAny): fc.Arbitrary<unknown> => {
  const def = defOf(schema);
  const check = (kind: string) => def.checks?.find((entry) => entry.kind === kind);
  switch (def.typeName) {
    case 'ZodOptional':
      return fc.option(validArbitrary(def.innerType as ZodTypeAny), { nil: undefined });
    case 'ZodEffects': {
      // The query strings' whole numbers: digits, transformed and refined after.
      const inner = defOf(def.schema as ZodTypeAny);
      if (inner.typeName === 'ZodString' && inner.checks?.some((entry) => entry.kind === 'regex'))
        return digitsString(1, 100);
      return validArbitrary(def.schema as ZodTypeAny);
    }
    case 'ZodString': {
      if (check('uuid')) return fc.uuid();
      if (check('datetime'))
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((date) => date.toISOString());
      const regex = check('regex')?.regex;
      if (regex)
        return fc
          .stringMatching(regex)
          .filter(
            (text) =>
              text.length >= (check('min')?.value ?? 0) &&
              text.length <= (check('max')?.value ?? 256),
          );
      return fc
        .string({
          minLength: Math.max(1, check('min')?.value ?? 1),
          maxLength: Math.min(32, check('max')?.value ?? 32),
        })
        .filter((text) => /^[\x21-\x7e][\x20-\x7e]*$/.test(text));
    }
    case 'ZodNumber': {
      const max = check('max')?.value ?? 1_000_000;
      const min = check('min')
        ? check('min')?.inclusive
          ? (check('min')?.value as number)
          : (check('min')?.value as number) + 1
        : 0;
      return fc.integer({ min, max: Math.min(max, 1_000_000) });
    }
    case 'ZodObject': {
      const shape = (def.shape as () => Record<string, ZodTypeAny>)();
      return fc
        .record(
          Object.fromEntries(
            Object.entries(shape).map(([key, field]) => [key, validArbitrary(field)]),
          ),
        )
        .map((record) =>
          Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)),
        );
    }
    default:
      return anyJson();
  }
};

/**
 * Objects shaped by an object schema, valid or not: each field keeps a valid value, gets
 * any JSON value or goes missing, and unknown fields may be added. About one in four
 * comes out entirely valid, so the deeper code paths are exercised too.
 */
export const objectArbitrary = (
  schema: ZodTypeAny,
  fieldValue: () => fc.Arbitrary<unknown> = anyJson,
): fc.Arbitrary<Record<string, unknown>> => {
  const shape = (defOf(schema).shape as () => Record<string, ZodTypeAny>)();
  const mutated = fc.record(
    Object.fromEntries(
      Object.entries(shape).map(([key, field]) => [
        key,
        fc.oneof(
          { weight: 6, arbitrary: validArbitrary(field) },
          { weight: 2, arbitrary: fieldValue() },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      ]),
    ),
  );
  const extra = fc.dictionary(
    fc.oneof(
      fc.constantFrom('admin', '__proto__', 'constructor', '$set'),
      fc.string({ maxLength: 10 }),
    ),
    anyJson(),
    { maxKeys: 2 },
  );
  return fc
    .oneof(
      { weight: 1, arbitrary: validArbitrary(schema) as fc.Arbitrary<Record<string, unknown>> },
      {
        weight: 3,
        arbitrary: fc
          .tuple(mutated, fc.option(extra, { nil: undefined }))
          .map(([fields, more]) => ({ ...fields, ...(more ?? {}) })),
      },
    )
    .map((record) =>
      Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)),
    );
};
