import {
  fromStoredPlayer,
  initialState,
  tryDecide,
  type PlayerCommand,
  type PlayerState,
} from '@qf/player-domain';
import { idempotencyKeyReused, type CommandResult } from '@qf/contracts';
import { toCommandResult } from '@qf/player-wire';
import type { RecentCommand } from '../document/player-document';
import { findRecent, outcomeOf, recentCommandFor } from '../document/recent-commands';
import { findSeen, type SeenMatch } from '../document/seen-commands';
import type { AcceptedCommandWrite } from '../outbox/outbox-writes';
import type { CachedPlayer } from './player-document-cache';

/** A command waiting for its player's next write. */
export interface QueuedCommand {
  readonly command: PlayerCommand;
  readonly requestHash: string;
  readonly traceparent?: string;
}

/** What a command came to when decided on one copy of its player's document. */
export type GroupedOutcome =
  /** Decided now: it is answered once the group's write has applied. */
  | { readonly kind: 'accepted'; readonly result: CommandResult }
  /** Its id is among the recent commands (of the document or of this group): the first outcome. */
  | { readonly kind: 'duplicate'; readonly result: CommandResult }
  /** Its id is among the packed older ids: the outcome is read back (outbox, audit log). */
  | { readonly kind: 'seen'; readonly match: SeenMatch }
  | { readonly kind: 'rejected'; readonly error: Error };

/** The commands of one player decided together on one copy of its document. */
export interface CommandGroup {
  readonly outcomes: readonly GroupedOutcome[];
  /** The state as read (its version guards the write). */
  readonly base: PlayerState;
  /** The state after every accepted command. */
  readonly next: PlayerState;
  /** What the write carries, in decision order (empty: nothing to write). */
  readonly accepted: readonly AcceptedCommandWrite[];
}

/**
 * Keeps occurredAt non-decreasing along a player's versions: a command that lost a race
 * is decided again after a later event, so it cannot carry an earlier time. Then "the
 * state at time T" is always a prefix of the history.
 */
const stampedAfter = (command: PlayerCommand, state: PlayerState): PlayerCommand =>
  state.updatedAt !== '' && Date.parse(state.updatedAt) > Date.parse(command.metadata.occurredAt)
    ? ({
        ...command,
        metadata: { ...command.metadata, occurredAt: state.updatedAt },
      } as PlayerCommand)
    : command;

/**
 * Decides the queued commands of one player one after another, each on the state the ones
 * before it left (as if each had been written alone), on one copy of the document (null:
 * not registered). A repeated id is answered from the document's recent or packed ids, or
 * from an earlier command of the same group. Pure: the clock comes in as `now`.
 */
export const decideGroup = (
  playerId: string,
  queued: readonly QueuedCommand[],
  doc: CachedPlayer | null,
  now: number,
  horizonMs: number,
): CommandGroup => {
  const notBefore = now - horizonMs;
  const base = doc ? fromStoredPlayer(doc._id, doc) : initialState(playerId);
  let state = base;
  const recent: RecentCommand[] = [...(doc?.recent ?? [])];
  const accepted: AcceptedCommandWrite[] = [];
  const outcomes = queued.map(({ command, requestHash, traceparent }): GroupedOutcome => {
    const { commandId } = command.metadata;
    const known = findRecent(recent, commandId, notBefore);
    if (known) {
      // The first outcome, and nothing written: the key was already consumed here.
      if (known.requestHash !== requestHash)
        return { kind: 'rejected', error: idempotencyKeyReused(commandId) };
      return { kind: 'duplicate', result: outcomeOf(playerId, known) };
    }
    const seen = findSeen(doc?.seen, commandId, requestHash, notBefore);
    if (seen) {
      if (!seen.sameRequest) return { kind: 'rejected', error: idempotencyKeyReused(commandId) };
      return { kind: 'seen', match: seen };
    }
    const decision = tryDecide(stampedAfter(command, state), state);
    if (!decision.ok) return { kind: 'rejected', error: decision.error };
    const entry = recentCommandFor(commandId, requestHash, decision.events, now);
    recent.push(entry);
    accepted.push({
      events: decision.events,
      recent: entry,
      ...(traceparent === undefined ? {} : { traceparent }),
    });
    state = decision.state;
    return {
      kind: 'accepted',
      result: toCommandResult(playerId, state.version, decision.events),
    };
  });
  return { outcomes, base, next: state, accepted };
};
