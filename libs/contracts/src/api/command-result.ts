import type { EventTypeName } from '../wire/player-messages';
import type { ProblemFields } from './api-error';

/** One event as a command's answer shows it. */
export interface EventView {
  readonly eventId: string;
  readonly type: EventTypeName;
  readonly version: number;
  readonly occurredAt: string;
  /** The event's data at its current schema version. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** What a decided command answers, on both architectures: `{ playerId, version, events }`. */
export interface CommandResult {
  readonly playerId: string;
  /** The aggregate version after the command. */
  readonly version: number;
  readonly events: readonly EventView[];
}

/** The answer of an async command (202): accepted for processing, not yet decided. */
export interface AcceptedCommand {
  readonly commandId: string;
  readonly playerId: string;
  readonly status: 'pending';
}

/**
 * Where a command stands (GET /commands/{commandId}): still waiting for a decision, or
 * decided, with the answer its caller got (the result, or the problem).
 */
export type CommandStatus =
  | AcceptedCommand
  | {
      readonly commandId: string;
      readonly playerId: string;
      readonly status: 'accepted';
      readonly decidedAt: string;
      readonly result: CommandResult;
    }
  | {
      readonly commandId: string;
      readonly playerId: string;
      readonly status: 'rejected';
      readonly decidedAt: string;
      readonly problem: ProblemFields;
    };
