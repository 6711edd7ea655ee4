/** What was done with a letter; a letter with no action is open. */
export type LetterStatus = 'open' | 'redriven' | 'purged';

/** One entry of a DLQ's action log (`<dlq>.actions`, compacted, key = `partition:offset`). */
export interface LetterAction {
  readonly letter: string;
  readonly action: Exclude<LetterStatus, 'open'>;
  /** ISO time of the action. */
  readonly at: string;
  /** Who did it (user@host of the qf process). */
  readonly by: string;
  /** A redrive: where the record went. */
  readonly to?: { readonly topic: string; readonly partition: number; readonly offset: string };
}

/** The status a letter has after its actions (the latest wins, as in the compacted log). */
export const statusOf = (action: LetterAction | undefined): LetterStatus =>
  action?.action ?? 'open';

/** Parses an action record's value; undefined for a tombstone or anything that is not one. */
export const parseAction = (value: Buffer | null): LetterAction | undefined => {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<LetterAction>;
    if (typeof parsed.letter !== 'string') return undefined;
    if (parsed.action !== 'redriven' && parsed.action !== 'purged') return undefined;
    return parsed as LetterAction;
  } catch {
    return undefined;
  }
};
