import { upcastPlayerEvent } from '@qf/player-domain';
import { PLAYER_ID, registeredPlayer } from '@qf/player-domain/testing';
import { playerEventDocument, rawEventFromDocument } from './player-events.projection';

describe('player_events projection', () => {
  const [registered, moved] = registeredPlayer(PLAYER_ID, {
    type: 'PlayerMoved',
    data: { fromRoom: 'a', toRoom: 'b' },
  });

  it('indexes each event under `${playerId}:${version}`', () => {
    expect(playerEventDocument(moved!)).toEqual({
      _id: `${PLAYER_ID}:2`,
      playerId: PLAYER_ID,
      version: 2,
      eventId: moved!.metadata.eventId,
      type: 'PlayerMoved',
      data: { fromRoom: 'a', toRoom: 'b' },
      schemaVersion: 1,
      occurredAt: moved!.metadata.occurredAt,
      causationId: 'history',
      correlationId: 'history',
    });
  });

  it('reads back as the same event through the upcaster', () => {
    expect(upcastPlayerEvent(rawEventFromDocument(playerEventDocument(registered!)))).toEqual(
      registered,
    );
  });
});
