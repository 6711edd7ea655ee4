import type { PlayerEventBody } from '../events/player.events';
import { assertAlive, assertAmount } from '../player.guards';
import type { PlayerState } from '../player.state';
import type { CommandMetadata } from './command-metadata';

/** Hit the player for amount; at 0 health the player dies. */
export type TakeDamage = {
  type: 'TakeDamage';
  data: { playerId: string; amount: number };
  metadata: CommandMetadata;
};

export const takeDamage = (command: TakeDamage, state: PlayerState): PlayerEventBody[] => {
  const amount = assertAmount(command.data.amount);
  const { health: before, roomId } = assertAlive(state);
  const health = Math.max(0, before - amount);
  const damage: PlayerEventBody = { type: 'DamageTaken', data: { amount, health } };
  return health === 0 ? [damage, { type: 'PlayerDied', data: { roomId } }] : [damage];
};
