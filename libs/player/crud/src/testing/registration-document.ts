import { initialState, tryDecide, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import { aCommand } from '@qf/player-domain/testing';
import type { PlayerDocument } from '../document/player-document';
import { recentCommandFor } from '../document/recent-commands';
import { insertDocumentFor } from '../outbox/outbox-writes';

/** A freshly registered player as crud-service inserts it (outbox mode): the document, its state and events. */
export const registrationDocument = (
  playerId: string,
): {
  readonly doc: PlayerDocument;
  readonly state: PlayerState;
  readonly events: readonly PlayerEvent[];
} => {
  const commandId = `reg-${playerId}`;
  const decision = tryDecide(
    aCommand.register({ playerId }, { commandId }),
    initialState(playerId),
  );
  if (!decision.ok) throw decision.error;
  return {
    doc: insertDocumentFor(
      decision.state,
      decision.events,
      recentCommandFor(commandId, 'h', decision.events),
      'outbox',
    ),
    state: decision.state,
    events: decision.events,
  };
};
