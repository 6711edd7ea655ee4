import type { PlayerCommand } from '@qf/player-domain';
import type { CommandResult } from '../api/command-result';
import type { ProblemFields } from '../api/api-error';

/** Where the processor sends the decision: the gateway instance and its reply partition. */
export interface ReplyAddress {
  readonly gatewayId: string;
  readonly partition: number;
}

/** A command on player.commands (key = player id). */
export interface CommandRecord {
  readonly command: PlayerCommand;
  /** Hash of the request body: the same Idempotency-Key with another body is refused. */
  readonly requestHash: string;
  /** Absent in async mode (`Prefer: respond-async`): nobody waits for the decision. */
  readonly replyTo?: ReplyAddress;
}

/** The decision for one command, as the processor records and replies it. */
export type CommandOutcome =
  | { readonly status: 'accepted'; readonly result: CommandResult }
  | { readonly status: 'rejected'; readonly playerId: string; readonly problem: ProblemFields };

/** A record on command.replies, produced to the gateway's reply partition. */
export interface CommandReply {
  readonly commandId: string;
  readonly gatewayId: string;
  readonly outcome: CommandOutcome;
  /** True when the command id had been decided before: this is the first outcome, replayed. */
  readonly duplicate: boolean;
}
