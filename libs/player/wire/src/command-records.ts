import { decodeCommandRecord, type CommandRecord } from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';

/** A command record whose command is typed for the decider. */
export type PlayerCommandRecord = CommandRecord<PlayerCommand>;

/**
 * Reads a record on player.commands for the processor (MalformedRecord when it cannot be
 * routed). The command is handed to the decider as it came: `decide` checks its type and
 * shape and rejects what is not a player command, so no second check runs here.
 */
export const decodePlayerCommandRecord = (value: Buffer | string | null): PlayerCommandRecord =>
  decodeCommandRecord(value) as PlayerCommandRecord;
