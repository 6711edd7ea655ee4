import type { CommandOutcome } from '@qf/contracts';

/** One decided command as a player's snapshot remembers it. */
export interface LedgerEntry {
  readonly commandId: string;
  readonly requestHash: string;
  readonly outcome: CommandOutcome;
}

/** What the ledger says about an incoming command id. */
export type LedgerLookup =
  | { readonly kind: 'new' }
  /** Decided before with the same request: answer the first outcome again. */
  | { readonly kind: 'duplicate'; readonly first: LedgerEntry }
  /** Decided before with another request: the id (Idempotency-Key) is taken. */
  | { readonly kind: 'reused'; readonly first: LedgerEntry };

/** Finds commandId among a player's recent commands. */
export const lookupCommand = (
  recent: readonly LedgerEntry[],
  commandId: string,
  requestHash: string,
): LedgerLookup => {
  // Newest last, and a retry usually follows closely: search from the end.
  for (let index = recent.length - 1; index >= 0; index -= 1) {
    const entry = recent[index] as LedgerEntry;
    if (entry.commandId === commandId) {
      return entry.requestHash === requestHash
        ? { kind: 'duplicate', first: entry }
        : { kind: 'reused', first: entry };
    }
  }
  return { kind: 'new' };
};

/** The recent commands with entry appended, keeping only the newest `limit`. */
export const recordCommand = (
  recent: readonly LedgerEntry[],
  entry: LedgerEntry,
  limit: number,
): LedgerEntry[] => {
  const next = [...recent, entry];
  return next.length > limit ? next.slice(next.length - limit) : next;
};
