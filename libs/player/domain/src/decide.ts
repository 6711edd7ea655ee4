import { dropItem } from './commands/drop-item.command';
import { gainExperience } from './commands/gain-experience.command';
import { heal } from './commands/heal.command';
import { movePlayer } from './commands/move-player.command';
import { pickUpItem } from './commands/pick-up-item.command';
import { isPlayerCommandType, type PlayerCommand } from './commands/player.commands';
import { registerPlayer } from './commands/register-player.command';
import { takeDamage } from './commands/take-damage.command';
import { stamp } from './envelope';
import { rejection } from './errors/player-rejected.error';
import { UnknownCommand } from './errors/unknown-command.error';
import type { PlayerEvent, PlayerEventBody } from './events/player.events';
import type { PlayerState } from './player.state';

/**
 * The events command causes on state, stamped with their envelopes; throws a
 * DomainError when it breaks an invariant.
 */
export const decide = (command: PlayerCommand, state: PlayerState): PlayerEvent[] => {
  // Commands arrive as JSON off a topic, so the type is checked before anything is
  // read from data, then the aggregate. After that checks go from stateless to
  // stateful (malformed, unknown player, dead, business conflicts), which lets a
  // gateway run the stateless ones itself and still answer as the decider would.
  if (!isPlayerCommandType((command as { type?: unknown } | null)?.type)) {
    throw new UnknownCommand(command);
  }
  assertSameAggregate(command, state);
  return stamp(bodiesFor(command, state), command, state);
};

const bodiesFor = (command: PlayerCommand, state: PlayerState): PlayerEventBody[] => {
  switch (command.type) {
    case 'RegisterPlayer':
      return registerPlayer(command, state);
    case 'MovePlayer':
      return movePlayer(command, state);
    case 'PickUpItem':
      return pickUpItem(command, state);
    case 'DropItem':
      return dropItem(command, state);
    case 'TakeDamage':
      return takeDamage(command, state);
    case 'Heal':
      return heal(command, state);
    case 'GainExperience':
      return gainExperience(command, state);
    default: {
      const _exhaustive: never = command;
      throw new UnknownCommand(_exhaustive);
    }
  }
};

const assertSameAggregate = (command: PlayerCommand, state: PlayerState): void => {
  const playerId: unknown = (command.data as { playerId?: unknown } | null | undefined)?.playerId;
  if (playerId !== state.id) {
    // A routing bug (wrong partition, wrong cache entry), never a player's mistake.
    throw rejection(
      'COMMAND.AGGREGATE_MISMATCH',
      `command for player ${String(playerId)} was decided against player ${state.id}`,
      {
        commandPlayerId: typeof playerId === 'string' ? playerId : typeof playerId,
        playerId: state.id,
      },
    );
  }
};
