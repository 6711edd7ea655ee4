import { PLAYER_ID, registeredPlayer } from '@qf/player-domain/testing';
import { givenProjection } from '../testing';
import { leaderboardDocument } from './leaderboard.projection';

const leaderboard = givenProjection(leaderboardDocument, 'leaderboard');

describe('leaderboard projection', () => {
  it('keeps name, level and xp of the latest version', async () => {
    await leaderboard(
      registeredPlayer(
        PLAYER_ID,
        { type: 'ExperienceGained', data: { amount: 320, xp: 320 } },
        { type: 'LevelGained', data: { level: 2, maxHealth: 110, health: 110 } },
        { type: 'LevelGained', data: { level: 3, maxHealth: 120, health: 120 } },
      ),
    ).then({ _id: PLAYER_ID, name: 'Aria', level: 3, xp: 320, version: 4 });
  });
});
