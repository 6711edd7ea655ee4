import { fold, initialState, tryDecide } from '@qf/player-domain';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { stateToView } from './player-document';

describe('player document views', () => {
  const registered = () => {
    const decision = tryDecide(aCommand.register(), initialState(PLAYER_ID));
    if (!decision.ok) throw decision.error;
    return decision;
  };

  it('views a state as the API PlayerView', () => {
    const { events } = registered();
    expect(stateToView(fold(PLAYER_ID, events))).toEqual({
      playerId: PLAYER_ID,
      name: 'Aria',
      level: 1,
      xp: 0,
      health: 100,
      maxHealth: 100,
      roomId: 'room.start',
      inventory: {},
      alive: true,
      version: 1,
      updatedAt: '2025-01-01T12:00:00.000Z',
    });
  });
});
