import { InvalidArgumentError } from 'commander';

/** A commander parser for a whole number within [min, max], naming the flag on error. */
export const intInRange =
  (flag: string, min: number, max: number) =>
  (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${flag} takes a whole number from ${min} to ${max}, got "${value}"`);
    }
    return parsed;
  };
