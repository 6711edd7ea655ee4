import { UnreadableEvent } from '../errors/unreadable-event.error';
import type { PlayerRegistered } from '../events/player.events';

/** PlayerRegistered as schema version 1 wrote it: flat, with the start room as roomId. */
export interface PlayerRegisteredV1Data {
  playerId: string;
  name: string;
  roomId: string;
  level: number;
  xp: number;
  health: number;
  maxHealth: number;
}

type V2 = PlayerRegistered['data'];

const fieldsOf = (data: unknown): Record<string, unknown> => {
  if (typeof data !== 'object' || data === null) {
    throw new UnreadableEvent(
      'EVENT.UNSUPPORTED_SCHEMA',
      'PlayerRegistered v1 data is not an object',
      {
        type: 'PlayerRegistered',
        schemaVersion: 1,
      },
    );
  }
  return data as Record<string, unknown>;
};

/**
 * v1 -> v2: the start room takes the name the command and the API give it (startRoom),
 * and the start stats move under stats, where a stat the game adds later is one more
 * optional field instead of another schema version. Lossless both ways.
 */
export const upcastPlayerRegisteredV1 = (data: unknown): V2 => {
  const { playerId, name, roomId, level, xp, health, maxHealth } = fieldsOf(
    data,
  ) as unknown as PlayerRegisteredV1Data;
  return { playerId, name, startRoom: roomId, stats: { level, xp, health, maxHealth } };
};

/** v2 -> v1, for a build that still has readers of v1 to serve (rolling upgrade). */
export const downcastPlayerRegisteredV2 = (data: V2): PlayerRegisteredV1Data => ({
  playerId: data.playerId,
  name: data.name,
  roomId: data.startRoom,
  level: data.stats.level,
  xp: data.stats.xp,
  health: data.stats.health,
  maxHealth: data.stats.maxHealth,
});
