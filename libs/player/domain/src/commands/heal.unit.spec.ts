import { aCommand, given, registeredPlayer } from '../testing';
import { dead } from '../testing/histories.fixture';

const wounded = (health: number) =>
  registeredPlayer(undefined, { type: 'DamageTaken', data: { amount: 100 - health, health } });

describe('Heal', () => {
  it('restores health', () => {
    given(wounded(40))
      .when(aCommand.heal({ amount: 25 }))
      .then([{ type: 'PlayerHealed', data: { amount: 25, health: 65 } }]);
  });

  it('caps at maxHealth and records the effective amount', () => {
    given(wounded(90))
      .when(aCommand.heal({ amount: 50 }))
      .then([{ type: 'PlayerHealed', data: { amount: 10, health: 100 } }]);
  });

  it('accepts a heal at full health and records it with amount 0', () => {
    given(registeredPlayer())
      .when(aCommand.heal({ amount: 10 }))
      .then((events, state) => {
        expect(events.map(({ type, data }) => ({ type, data }))).toEqual([
          { type: 'PlayerHealed', data: { amount: 0, health: 100 } },
        ]);
        expect(state.health).toBe(100);
      });
  });

  it('caps at the raised maxHealth after a level-up', () => {
    given(
      registeredPlayer(
        undefined,
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
        { type: 'DamageTaken', data: { amount: 20, health: 90 } },
      ),
    )
      .when(aCommand.heal({ amount: 1000 }))
      .then([{ type: 'PlayerHealed', data: { amount: 20, health: 110 } }]);
  });

  it.each([0, -1, 0.1, 1_000_001])('rejects the amount %p', (amount) => {
    given(wounded(50)).when(aCommand.heal({ amount })).thenThrows('PLAYER.INVALID_AMOUNT');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.heal()).thenThrows('PLAYER.NOT_FOUND');
  });

  it('does not raise the dead', () => {
    given(dead())
      .when(aCommand.heal({ amount: 50 }))
      .thenThrows('PLAYER.DEAD');
  });
});
