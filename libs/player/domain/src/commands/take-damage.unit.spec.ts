import { aCommand, given, registeredPlayer, START_ROOM } from '../testing';
import { dead } from '../testing/histories.fixture';

describe('TakeDamage', () => {
  it('lowers health', () => {
    given(registeredPlayer())
      .when(aCommand.takeDamage({ amount: 30 }))
      .then([{ type: 'DamageTaken', data: { amount: 30, health: 70 } }]);
  });

  it('kills the player when health reaches exactly 0', () => {
    given(registeredPlayer())
      .when(aCommand.takeDamage({ amount: 100 }))
      .then([
        { type: 'DamageTaken', data: { amount: 100, health: 0 } },
        { type: 'PlayerDied', data: { roomId: START_ROOM } },
      ]);
  });

  it('floors health at 0 on overkill and keeps the requested amount', () => {
    given(registeredPlayer())
      .when(aCommand.takeDamage({ amount: 250 }))
      .then((events, state) => {
        expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
          { type: 'DamageTaken', data: { amount: 250, health: 0 } },
          { type: 'PlayerDied', data: { roomId: START_ROOM } },
        ]);
        expect(state).toMatchObject({ alive: false, health: 0 });
      });
  });

  it('dies in the room the player is in', () => {
    given(
      registeredPlayer(undefined, {
        type: 'PlayerMoved',
        data: { fromRoom: START_ROOM, toRoom: 'dungeon:7' },
      }),
    )
      .when(aCommand.takeDamage({ amount: 100 }))
      .then((events) => expect(events[1]?.data).toEqual({ roomId: 'dungeon:7' }));
  });

  it('survives with 1 health', () => {
    given(registeredPlayer())
      .when(aCommand.takeDamage({ amount: 99 }))
      .then((_, state) => expect(state).toMatchObject({ alive: true, health: 1 }));
  });

  it.each([0, -10, 2.5, Number.NaN, 1_000_001])('rejects the amount %p', (amount) => {
    given(registeredPlayer())
      .when(aCommand.takeDamage({ amount }))
      .thenThrows('PLAYER.INVALID_AMOUNT');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.takeDamage()).thenThrows('PLAYER.NOT_FOUND');
  });

  it('rejects hitting a dead player', () => {
    given(dead()).when(aCommand.takeDamage()).thenThrows('PLAYER.DEAD');
  });
});
