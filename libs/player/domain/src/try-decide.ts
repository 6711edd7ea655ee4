import type { PlayerCommand } from './commands/player.commands';
import { decide } from './decide';
import { type DomainError, isDomainError } from './errors/domain-error';
import type { PlayerEvent } from './events/player.events';
import { evolve } from './evolve';
import type { PlayerState } from './player.state';

/** Outcome of tryDecide: the events and the state after them, or the rejection. */
export type Decision =
  { ok: true; events: PlayerEvent[]; state: PlayerState } | { ok: false; error: DomainError };

/** decide without exceptions for rejections; anything that is not a DomainError still throws. */
export const tryDecide = (command: PlayerCommand, state: PlayerState): Decision => {
  let events: PlayerEvent[];
  try {
    events = decide(command, state);
  } catch (error) {
    // Only rejections become values: a TypeError is a bug and must stay loud.
    if (isDomainError(error)) return { ok: false, error };
    throw error;
  }
  return { ok: true, events, state: events.reduce(evolve, state) };
};
