import { rejection } from '../errors/player-rejected.error';
import type { PlayerEventBody } from '../events/player.events';
import { assertAlive, assertRoomId } from '../player.guards';
import type { PlayerState } from '../player.state';
import type { CommandMetadata } from './command-metadata';

/** Walk the player into toRoom. */
export type MovePlayer = {
  type: 'MovePlayer';
  data: { playerId: string; toRoom: string };
  metadata: CommandMetadata;
};

export const movePlayer = (command: MovePlayer, state: PlayerState): PlayerEventBody[] => {
  const toRoom = assertRoomId(command.data.toRoom, 'toRoom');
  const { roomId } = assertAlive(state);
  if (toRoom === roomId) {
    throw rejection('PLAYER.SAME_ROOM', `player ${state.id} is already in ${roomId}`, { roomId });
  }
  return [{ type: 'PlayerMoved', data: { fromRoom: roomId, toRoom } }];
};
