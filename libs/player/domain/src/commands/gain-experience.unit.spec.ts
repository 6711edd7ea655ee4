import { levelForXp, MAX_AMOUNT, START_MAX_HEALTH, xpToReachLevel } from '../index';
import { aCommand, given, registeredPlayer } from '../testing';
import { dead } from '../testing/histories.fixture';

describe('GainExperience', () => {
  it('adds experience below the next threshold without a level-up', () => {
    given(registeredPlayer())
      .when(aCommand.gainExperience({ amount: 99 }))
      .then([{ type: 'ExperienceGained', data: { amount: 99, xp: 99 } }]);
  });

  it('gains a level exactly at the threshold, raising maxHealth and healing fully', () => {
    given(registeredPlayer(undefined, { type: 'DamageTaken', data: { amount: 60, health: 40 } }))
      .when(aCommand.gainExperience({ amount: 100 }))
      .then([
        { type: 'ExperienceGained', data: { amount: 100, xp: 100 } },
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
      ]);
  });

  it('emits one LevelGained per threshold crossed, in order', () => {
    given(registeredPlayer())
      .when(aCommand.gainExperience({ amount: 650 }))
      .then([
        { type: 'ExperienceGained', data: { amount: 650, xp: 650 } },
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
        { type: 'LevelGained', data: { level: 3, maxHealth: 120, health: 120 } },
        { type: 'LevelGained', data: { level: 4, maxHealth: 130, health: 130 } },
      ]);
  });

  it('counts from the xp already earned', () => {
    given(
      registeredPlayer(
        undefined,
        { type: 'ExperienceGained', data: { amount: 250, xp: 250 } },
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
      ),
    )
      .when(aCommand.gainExperience({ amount: 50 }))
      .then([
        { type: 'ExperienceGained', data: { amount: 50, xp: 300 } },
        { type: 'LevelGained', data: { level: 3, maxHealth: 120, health: 120 } },
      ]);
  });

  it('handles the largest amount in one command', () => {
    given(registeredPlayer())
      .when(aCommand.gainExperience({ amount: MAX_AMOUNT }))
      .then((events, state) => {
        const top = levelForXp(MAX_AMOUNT);
        expect(xpToReachLevel(top)).toBeLessThanOrEqual(MAX_AMOUNT);
        expect(xpToReachLevel(top + 1)).toBeGreaterThan(MAX_AMOUNT);
        expect(events.filter((e) => e.type === 'LevelGained')).toHaveLength(top - 1);
        expect(state).toMatchObject({
          xp: MAX_AMOUNT,
          level: top,
          maxHealth: START_MAX_HEALTH + 10 * (top - 1),
          health: START_MAX_HEALTH + 10 * (top - 1),
        });
      });
  });

  it.each([0, -100, 3.14, 1_000_001])('rejects the amount %p', (amount) => {
    given(registeredPlayer())
      .when(aCommand.gainExperience({ amount }))
      .thenThrows('PLAYER.INVALID_AMOUNT');
  });

  it('rejects an unregistered player', () => {
    given().when(aCommand.gainExperience()).thenThrows('PLAYER.NOT_FOUND');
  });

  it('rejects a dead player', () => {
    given(dead()).when(aCommand.gainExperience()).thenThrows('PLAYER.DEAD');
  });
});
