import type { PlayerEvent } from '@qf/player-domain';
import type { ProblemFields } from './api-error';

/** One event as a command's answer shows it. */
export interface EventView {
  readonly eventId: string;
  readonly type: PlayerEvent['type'];
  readonly version: number;
  readonly occurredAt: string;
  readonly data: PlayerEvent['data'];
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

export const toEventView = (event: PlayerEvent): EventView => ({
  eventId: event.metadata.eventId,
  type: event.type,
  version: event.metadata.version,
  occurredAt: event.metadata.occurredAt,
  data: event.data,
});

/** Builds the answer of an accepted command from its events. */
export const toCommandResult = (
  playerId: string,
  version: number,
  events: readonly PlayerEvent[],
): CommandResult => ({
  playerId,
  version,
  events: events.map(toEventView),
});
