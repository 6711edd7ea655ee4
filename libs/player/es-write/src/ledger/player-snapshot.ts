import type { Message } from 'kafkajs';
import { MalformedRecord, type CommandOutcome } from '@qf/contracts';
import type { PlayerState } from '@qf/player-domain';
import {
  decodeLedgerLine,
  encodeLedgerLine,
  hashKey,
  unpackOutcome,
  type DecidedCommand,
} from './ledger-line';

/** Records are written as schema 3; schemas 1 and 2 (the per-command snapshots of before) are still read. */
export const SNAPSHOT_RECORD_VERSION = 3;

/**
 * What player.snapshots holds per player (compacted, key = player id), written when it pays
 * (a player's unsnapshotted events older than the checkpoint interval), not per command:
 * the folded state, and the command that registered the player, kept for good (a client
 * retrying a registration gets its 201 again however late). Which commands were decided
 * lives on player.ledger, not here.
 */
export interface PlayerSnapshot {
  readonly state: PlayerState;
  /** The registering command's ledger line. */
  readonly registration?: string;
}

/** What a schema 1 or 2 record held besides that: the per-player decided offset and recent command ids. */
export interface LegacySnapshotFields {
  readonly commandOffset: number;
  readonly recent: readonly DecidedCommand[];
}

export type DecodedSnapshot = PlayerSnapshot & { readonly legacy?: LegacySnapshotFields };

/** The snapshot record, produced to the same partition number as the player's commands. */
export const encodeSnapshot = (
  snapshot: PlayerSnapshot,
  partition: number,
): Message & { key: string; value: string; partition: number } => ({
  key: snapshot.state.id,
  value:
    `{"schemaVersion":${SNAPSHOT_RECORD_VERSION},"state":${JSON.stringify(snapshot.state)}` +
    (snapshot.registration ? `,"registration":${snapshot.registration}` : '') +
    '}',
  partition,
});

type LegacyEntry =
  | { commandId: string; requestHash: string; outcome: CommandOutcome }
  | readonly [string, string, CommandOutcome]
  | readonly [string, string, number, string, ReadonlyArray<readonly [string, unknown]>];

const legacyEntry = (entry: LegacyEntry, playerId: string): DecidedCommand => {
  if (!Array.isArray(entry)) {
    const whole = entry as { commandId: string; requestHash: string; outcome: CommandOutcome };
    if (typeof whole.commandId !== 'string' || typeof whole.requestHash !== 'string')
      throw new Error('no command id');
    return {
      commandId: whole.commandId,
      playerId,
      hash: hashKey(whole.requestHash),
      outcome: unpackOutcome(whole.commandId, playerId, whole.outcome),
    };
  }
  const [commandId, requestHash, ...rest] = entry as unknown[];
  if (typeof commandId !== 'string' || typeof requestHash !== 'string')
    throw new Error('no command id');
  const packed = (rest.length === 1 ? rest[0] : rest) as Parameters<typeof unpackOutcome>[2];
  return {
    commandId,
    playerId,
    hash: hashKey(requestHash),
    outcome: unpackOutcome(commandId, playerId, packed),
  };
};

const decodeLegacy = (raw: Record<string, unknown>, state: PlayerState): DecodedSnapshot => {
  const { commandOffset, recentCommands, registration } = raw as {
    commandOffset?: unknown;
    recentCommands?: unknown;
    registration?: unknown;
  };
  if (typeof commandOffset !== 'string' || !Array.isArray(recentCommands))
    throw new MalformedRecord('snapshot', 'no offset or recent commands');
  const offset = Number(commandOffset);
  if (!Number.isSafeInteger(offset)) throw new MalformedRecord('snapshot', 'bad offset');
  try {
    const recent = recentCommands.map((entry) => legacyEntry(entry as LegacyEntry, state.id));
    return {
      state,
      ...(registration
        ? { registration: encodeLedgerLine(legacyEntry(registration as LegacyEntry, state.id)) }
        : {}),
      legacy: { commandOffset: offset, recent },
    };
  } catch (error) {
    throw new MalformedRecord('snapshot', `bad ledger entry (${(error as Error).message})`);
  }
};

/**
 * Parses a snapshot record of schema 1, 2 or 3. Throws MalformedRecord for anything else,
 * a newer schema included; a tombstone (null) is the caller's to handle (it deletes).
 */
export const decodeSnapshot = (value: Buffer | string): DecodedSnapshot => {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new MalformedRecord('snapshot', `not JSON (${(error as Error).message})`);
  }
  const version = raw?.['schemaVersion'];
  const state = raw?.['state'] as PlayerState | undefined;
  if (version !== 1 && version !== 2 && version !== SNAPSHOT_RECORD_VERSION)
    throw new MalformedRecord('snapshot', `schema ${String(version)}`);
  if (typeof state?.id !== 'string' || typeof state.version !== 'number')
    throw new MalformedRecord('snapshot', 'no state');
  if (version !== SNAPSHOT_RECORD_VERSION) return decodeLegacy(raw, state);
  const registration = raw['registration'];
  if (registration === undefined) return { state };
  const line = JSON.stringify(registration);
  decodeLedgerLine(line);
  return { state, registration: line };
};
