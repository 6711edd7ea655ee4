/** Thrown when an environment variable holds a value the service cannot use. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly variable: string, readonly value: string, readonly expected: string) {
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
export const stringFromEnv = (variable: string, fallback: string, env: NodeJS.ProcessEnv = process.env): string =>
  env[variable] || fallback;
