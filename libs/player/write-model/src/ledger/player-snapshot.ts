import type { Message } from 'kafkajs';
import { MalformedRecord } from '@qf/contracts';
import { initialState, type PlayerState } from '@qf/player-domain';
import type { LedgerEntry } from './command-ledger';

export const SNAPSHOT_SCHEMA_VERSION = 1;

/**
 * What player.snapshots holds per player (compacted, key = player id): the folded state,
 * the recent command ids with their outcomes (deduplication that survives a failover) and
 * the offset on player.commands of the last command decided for the player.
 */
export interface PlayerSnapshot {
  readonly schemaVersion: typeof SNAPSHOT_SCHEMA_VERSION;
  readonly state: PlayerState;
  /**
   * Offset (same partition of player.commands) of the last command decided for this
   * player. A command at or below it was decided by a committed transaction already: after
   * a rebalance the new owner may be handed it again, and skips it.
   */
  readonly commandOffset: string;
  /** The newest decided commands, oldest first, bounded by the dedup window. */
  readonly recentCommands: readonly LedgerEntry[];
  /**
   * The command that registered the player, kept for good: a client retrying a
   * registration (the one command that cannot simply be re-decided) gets its 201 again
   * however many commands came in between.
   */
  readonly registration?: LedgerEntry;
}

/** The snapshot of a player nobody has commanded yet. */
export const emptySnapshot = (playerId: string): PlayerSnapshot => ({
  schemaVersion: SNAPSHOT_SCHEMA_VERSION,
  state: initialState(playerId),
  commandOffset: '-1',
  recentCommands: [],
});

/** Whether the command at offset was decided already (offsets as decimal strings: int64). */
export const alreadyDecided = (snapshot: PlayerSnapshot, offset: string): boolean =>
  BigInt(offset) <= BigInt(snapshot.commandOffset);

/** The snapshot record, produced to the same partition number as the command it follows. */
export const encodeSnapshot = (
  snapshot: PlayerSnapshot,
  partition: number,
): Message & { key: string; value: string; partition: number } => ({
  key: snapshot.state.id,
  value: JSON.stringify(snapshot),
  partition,
});

/** Parses a snapshot record; throws MalformedRecord for anything else (including a newer schema). */
export const decodeSnapshot = (value: Buffer | string | null): PlayerSnapshot => {
  if (value === null) throw new MalformedRecord('snapshot', 'tombstone');
  let raw: Partial<PlayerSnapshot>;
  try {
    raw = JSON.parse(
      typeof value === 'string' ? value : value.toString('utf8'),
    ) as Partial<PlayerSnapshot>;
  } catch (error) {
    throw new MalformedRecord('snapshot', `not JSON (${(error as Error).message})`);
  }
  if (raw?.schemaVersion !== SNAPSHOT_SCHEMA_VERSION)
    throw new MalformedRecord('snapshot', `schema ${String(raw?.schemaVersion)}`);
  if (
    typeof raw.state?.id !== 'string' ||
    typeof raw.commandOffset !== 'string' ||
    !Array.isArray(raw.recentCommands)
  ) {
    throw new MalformedRecord('snapshot', 'no state, offset or recent commands');
  }
  return raw as PlayerSnapshot;
};
