import { rejection } from '../errors/player-rejected.error';
import type { PlayerEventBody } from '../events/player.events';
import { assertRoomId } from '../player.guards';
import type { PlayerState } from '../player.state';
import { NAME_MAX_LENGTH, START_LEVEL, START_MAX_HEALTH, START_XP } from '../rules';
import { isValidName } from '../validation';
import type { CommandMetadata } from './command-metadata';

/** Create a player named name in startRoom. */
export type RegisterPlayer = {
  type: 'RegisterPlayer';
  data: { playerId: string; name: string; startRoom: string };
  metadata: CommandMetadata;
};

export const registerPlayer = (command: RegisterPlayer, state: PlayerState): PlayerEventBody[] => {
  const { name, startRoom } = command.data;
  if (!isValidName(name)) {
    throw rejection(
      'PLAYER.INVALID_NAME',
      `name must be 1..${NAME_MAX_LENGTH} printable characters, not all blank`,
      { field: 'name' },
    );
  }
  assertRoomId(startRoom, 'startRoom');
  // A dead player is still registered: the id stays taken.
  if (state.registered) {
    throw rejection('PLAYER.ALREADY_REGISTERED', `player ${state.id} is already registered`, {
      playerId: state.id,
    });
  }
  return [
    {
      type: 'PlayerRegistered',
      data: {
        playerId: state.id,
        name,
        startRoom,
        stats: {
          level: START_LEVEL,
          xp: START_XP,
          health: START_MAX_HEALTH,
          maxHealth: START_MAX_HEALTH,
        },
      },
    },
  ];
};
