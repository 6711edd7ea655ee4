/** Thrown when an environment variable holds a value the service cannot use. */
export class InvalidEnvironmentError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`${variable}="${value}" is invalid: expected ${expected}`);
  }
}

/** Reads an integer env var within [min, max], or the fallback when unset. */
export const intFromEnv = (
  variable: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
  env: NodeJS.ProcessEnv = process.env,
): number => {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidEnvironmentError(variable, raw, `a whole number from ${min} to ${max}`);
  }
  return value;
};

/** Reads a string env var, or the fallback when unset. */
export const stringFromEnv = (
  variable: string,
  fallback: string,
  env: NodeJS.ProcessEnv = process.env,
): string => env[variable] || fallback;

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/**
 * Reads a boolean env var: 1/true/yes/on or 0/false/no/off (any case), the fallback when
 * unset or empty. Anything else is refused, naming the variable: a typo such as
 * QF_QUERY_CACHE=flase must not silently mean "on".
 */
export const boolFromEnv = (
  variable: string,
  fallback: boolean,
  env: NodeJS.ProcessEnv = process.env,
): boolean => {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InvalidEnvironmentError(
    variable,
    raw,
    'a boolean: 1, true, yes, on, 0, false, no or off',
  );
};

/** Reads an env var that must be one of `allowed`, or the fallback when unset or empty. */
export const oneOfEnv = <T extends string>(
  variable: string,
  allowed: readonly T[],
  fallback: T,
  env: NodeJS.ProcessEnv = process.env,
): T => {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim() as T;
  if (allowed.includes(value)) return value;
  throw new InvalidEnvironmentError(variable, raw, `one of ${allowed.join(', ')}`);
};
