import type { Message } from 'kafkajs';
import { MalformedRecord } from '@qf/contracts';
import { initialState, type PlayerState } from '@qf/player-domain';
import type { LedgerEntry } from './command-ledger';
import { packLedgerEntry, unpackLedgerEntry, type PackedLedgerEntry } from './packed-ledger-entry';

/** The in-memory form's version (1); records are written as SNAPSHOT_RECORD_VERSION. */
export const SNAPSHOT_SCHEMA_VERSION = 1;
/** Version 2 records pack the ledger entries (packed-ledger-entry.ts); version 1 records are still read. */
export const SNAPSHOT_RECORD_VERSION = 2;

/** A version 2 snapshot record's value. */
interface SnapshotRecordV2 {
  readonly schemaVersion: 2;
  readonly state: PlayerState;
  readonly commandOffset: string;
  readonly recentCommands: readonly PackedLedgerEntry[];
  readonly registration?: PackedLedgerEntry;
}

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
): Message & { key: string; value: string; partition: number } => {
  const playerId = snapshot.state.id;
  const { state, commandOffset, recentCommands, registration } = snapshot;
  // The JSON of a SnapshotRecordV2, put together from the entries' cached JSON.
  const value =
    `{"schemaVersion":${SNAPSHOT_RECORD_VERSION},"state":${JSON.stringify(state)}` +
    `,"commandOffset":${JSON.stringify(commandOffset)}` +
    `,"recentCommands":[${recentCommands.map((entry) => packedJson(entry, playerId)).join(',')}]` +
    (registration ? `,"registration":${packedJson(registration, playerId)}` : '') +
    '}';
  return { key: playerId, value, partition };
};

/**
 * Ledger entries are immutable and belong to one player; each stays in the player's
 * snapshot for the next dedupWindow commands, so its packed JSON is made once, not in
 * every transaction that touches the player.
 */
const packedJsonCache = new WeakMap<LedgerEntry, string>();
const packedJson = (entry: LedgerEntry, playerId: string): string => {
  let json = packedJsonCache.get(entry);
  if (json === undefined) {
    json = JSON.stringify(packLedgerEntry(entry, playerId));
    packedJsonCache.set(entry, json);
  }
  return json;
};

/** Parses a snapshot record (version 1 or 2); throws MalformedRecord for anything else (including a newer schema). */
export const decodeSnapshot = (value: Buffer | string | null): PlayerSnapshot => {
  if (value === null) throw new MalformedRecord('snapshot', 'tombstone');
  let raw: Partial<PlayerSnapshot> | Partial<SnapshotRecordV2>;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as
      Partial<PlayerSnapshot> | Partial<SnapshotRecordV2>;
  } catch (error) {
    throw new MalformedRecord('snapshot', `not JSON (${(error as Error).message})`);
  }
  const version = raw?.schemaVersion;
  if (version !== SNAPSHOT_SCHEMA_VERSION && version !== SNAPSHOT_RECORD_VERSION)
    throw new MalformedRecord('snapshot', `schema ${String(version)}`);
  if (
    typeof raw.state?.id !== 'string' ||
    typeof raw.commandOffset !== 'string' ||
    !Array.isArray(raw.recentCommands)
  ) {
    throw new MalformedRecord('snapshot', 'no state, offset or recent commands');
  }
  if (version === SNAPSHOT_SCHEMA_VERSION) return raw as PlayerSnapshot;
  const { state, commandOffset, recentCommands, registration } = raw as SnapshotRecordV2;
  try {
    return {
      schemaVersion: SNAPSHOT_SCHEMA_VERSION,
      state,
      commandOffset,
      recentCommands: recentCommands.map((entry) => unpackLedgerEntry(entry, state.id)),
      ...(registration ? { registration: unpackLedgerEntry(registration, state.id) } : {}),
    };
  } catch (error) {
    throw new MalformedRecord('snapshot', `bad ledger entry (${(error as Error).message})`);
  }
};
