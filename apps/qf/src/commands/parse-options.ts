import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number within [min, max], naming the flag on error. */
export const intInRange =
  (flag: string, min: number, max: number) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(
        `${flag} takes a whole number from ${min} to ${max}, got "${value}"`,
      );
    }
    return parsed;
  };

/** A commander accumulator for a repeatable flag: every occurrence, in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--env NAME=VALUE` pairs (or another flag's) as an environment; a malformed pair names the flag. */
export const serviceEnvOf = (pairs: readonly string[], flag = '--env'): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new InvalidArgumentError(`${flag} takes NAME=VALUE, got "${pair}"`);
      return [match[1] as string, match[2] as string];
    }),
  );
