import type { PlayerEventBody } from '../events/player.events';
import { assertAlive, assertAmount } from '../player.guards';
import type { PlayerState } from '../player.state';
import { levelForXp, MAX_HEALTH_PER_LEVEL } from '../rules';
import type { CommandMetadata } from './command-metadata';

/** Award amount experience; every level threshold crossed is a LevelGained. */
export type GainExperience = {
  type: 'GainExperience';
  data: { playerId: string; amount: number };
  metadata: CommandMetadata;
};

export const gainExperience = (command: GainExperience, state: PlayerState): PlayerEventBody[] => {
  const amount = assertAmount(command.data.amount);
  const { xp: before, level: from, maxHealth: baseMaxHealth } = assertAlive(state);
  const xp = before + amount;
  const to = levelForXp(xp);
  const events: PlayerEventBody[] = [{ type: 'ExperienceGained', data: { amount, xp } }];
  // One event per level so projections (leaderboard, level-up feeds) see every step.
  for (let level = from + 1; level <= to; level += 1) {
    const maxHealth = baseMaxHealth + (level - from) * MAX_HEALTH_PER_LEVEL;
    events.push({ type: 'LevelGained', data: { level, maxHealth, health: maxHealth } });
  }
  return events;
};
