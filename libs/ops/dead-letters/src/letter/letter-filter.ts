import type { DeadLetter } from './dead-letter';
import type { LetterStatus } from './letter-action';

/** Which letters a command acts on; every field narrows, an empty filter matches all. */
export interface LetterFilter {
  readonly types?: readonly string[];
  readonly players?: readonly string[];
  readonly codes?: readonly string[];
  /** Dead-lettered at or after (ms since the epoch). */
  readonly since?: number;
  /** Dead-lettered before (ms since the epoch). */
  readonly until?: number;
  /** Exact letters, `partition:offset`. */
  readonly ids?: readonly string[];
  /** Default: open letters only. */
  readonly statuses?: readonly LetterStatus[];
}

/** Thrown for a flag value a person has to fix; the message names the flag. */
export class LetterFilterError extends Error {}

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * A point in time from a flag: an ISO-8601 date or time, or a duration back from now
 * (`90s`, `15m`, `2h`, `7d`, `1w`).
 */
export const parseTime = (flag: string, value: string, now: number = Date.now()): number => {
  const relative = /^(\d+)([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2] as string] as number);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new LetterFilterError(
      `${flag} takes an ISO-8601 time or a duration like 15m, 2h, 7d; got "${value}"`,
    );
  return parsed;
};

const STATUSES: readonly LetterStatus[] = ['open', 'redriven', 'purged'];

/** `open`, `redriven`, `purged` or `all`. */
export const parseStatus = (value: string): LetterStatus[] => {
  if (value === 'all') return [...STATUSES];
  const statuses = value.split(',').map((entry) => entry.trim());
  for (const status of statuses) {
    if (!STATUSES.includes(status as LetterStatus))
      throw new LetterFilterError(`--status takes open, redriven, purged or all; got "${status}"`);
  }
  return statuses as LetterStatus[];
};

/** `partition:offset`. */
export const parseLetterId = (value: string): string => {
  if (!/^\d+:\d+$/.test(value))
    throw new LetterFilterError(
      `a letter is named partition:offset (as qf dlq list prints it); got "${value}"`,
    );
  return value;
};

const within = (list: readonly string[] | undefined, value: string | null): boolean =>
  list === undefined || list.length === 0 || (value !== null && list.includes(value));

/** Whether letter, whose status is status, passes filter. */
export const matchesFilter = (
  filter: LetterFilter,
  letter: DeadLetter,
  status: LetterStatus,
): boolean =>
  (filter.statuses ?? ['open']).includes(status) &&
  within(filter.types, letter.type) &&
  within(filter.players, letter.key) &&
  within(filter.codes, letter.error.code) &&
  within(filter.ids, `${letter.partition}:${letter.offset}`) &&
  (filter.since === undefined || letter.deadLetteredAt >= filter.since) &&
  (filter.until === undefined || letter.deadLetteredAt < filter.until);

/** Whether the filter narrows anything beyond the status (purge refuses to run unfiltered without --all). */
export const isNarrowing = (filter: LetterFilter): boolean =>
  [filter.types, filter.players, filter.codes, filter.ids].some(
    (list) => (list?.length ?? 0) > 0,
  ) ||
  filter.since !== undefined ||
  filter.until !== undefined;
