import type { PlayerEventBody } from '../events/player.events';
import { assertAlive, assertAmount } from '../player.guards';
import type { PlayerState } from '../player.state';
import type { CommandMetadata } from './command-metadata';

/** Restore up to amount health, never above maxHealth. */
export type Heal = {
  type: 'Heal';
  data: { playerId: string; amount: number };
  metadata: CommandMetadata;
};

export const heal = (command: Heal, state: PlayerState): PlayerEventBody[] => {
  const amount = assertAmount(command.data.amount);
  const { health, maxHealth } = assertAlive(state);
  const effective = Math.min(amount, maxHealth - health);
  // Healing at full health is accepted and recorded with amount 0 rather than
  // rejected: the heal was cast, it just had nothing to restore.
  return [{ type: 'PlayerHealed', data: { amount: effective, health: health + effective } }];
};
