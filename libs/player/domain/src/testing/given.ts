import type { PlayerCommand } from '../commands/player.commands';
import { decide } from '../decide';
import { ERROR_CODES, type ErrorCode } from '../errors/error-codes';
import { DomainError } from '../errors/domain-error';
import type { PlayerEvent, PlayerEventBody } from '../events/player.events';
import { evolve } from '../evolve';
import { fold } from '../fold';
import type { PlayerState } from '../player.state';
import { PLAYER_ID } from './builders';

/** What then() checks: the exact bodies (type + data, in order), or a custom assertion. */
export type Expectation =
  readonly PlayerEventBody[] | ((events: PlayerEvent[], state: PlayerState) => void);

/** The outcome half of a decider specification. */
export interface WhenClause {
  /** Asserts the command is accepted with exactly these events; returns them. */
  then(expected: Expectation): PlayerEvent[];
  /** Asserts the command is rejected with code (and its kind); returns the error. */
  thenThrows(code: ErrorCode): DomainError;
}

/**
 * Decider specification: given(history).when(command).then(events) or .thenThrows(code).
 * The folded state is deep-frozen, so a decide that mutates its input fails loudly.
 */
export const given = (...history: PlayerEvent[] | [PlayerEvent[]]) => ({
  when: (command: PlayerCommand): WhenClause => {
    const events = history.flat();
    const playerId = events[0]?.metadata.aggregateId ?? playerIdOf(command);
    const state = deepFreeze(fold(playerId, events));
    return {
      then(expected) {
        const produced = decide(command, state);
        if (typeof expected === 'function') {
          expected(produced, produced.reduce(evolve, state));
        } else {
          expect(produced.map(({ type, data }) => ({ type, data }))).toEqual(expected);
        }
        return produced;
      },
      thenThrows(code) {
        let thrown: unknown;
        let produced: PlayerEvent[] | undefined;
        try {
          produced = decide(command, state);
        } catch (error) {
          thrown = error;
        }
        expect(produced).toBeUndefined();
        expect(thrown).toBeInstanceOf(DomainError);
        expect(thrown).toMatchObject({ code, kind: ERROR_CODES[code], retriable: false });
        return thrown as DomainError;
      },
    };
  },
});

// Tolerates malformed commands, which tests feed on purpose.
const playerIdOf = (command: PlayerCommand): string => {
  const playerId: unknown = (command as { data?: { playerId?: unknown } } | null)?.data?.playerId;
  return typeof playerId === 'string' ? playerId : PLAYER_ID;
};

const deepFreeze = (state: PlayerState): PlayerState => {
  Object.freeze(state.inventory);
  return Object.freeze(state);
};
