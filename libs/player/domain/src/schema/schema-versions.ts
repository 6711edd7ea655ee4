import type { PlayerEventType } from '../events/player.events';

/**
 * The schema version each event type is written at today. A version moves only when a
 * type's data changes in a way an old reader cannot take (a rename, a split, a change of
 * meaning); an added optional field keeps it. Every step down from here has an upcaster
 * (read) and a downcaster (write for old readers) in ./player-registered.v1 and friends.
 */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<PlayerEventType, number>> = Object.freeze({
  // v2: roomId -> startRoom, the four start stats grouped under stats (player-registered.v1.ts).
  PlayerRegistered: 2,
  PlayerMoved: 1,
  ItemPickedUp: 1,
  ItemDropped: 1,
  DamageTaken: 1,
  PlayerDied: 1,
  PlayerHealed: 1,
  ExperienceGained: 1,
  LevelGained: 1,
});

/** The schema version type is written and read at. */
export const currentSchemaVersion = (type: PlayerEventType): number => EVENT_SCHEMA_VERSIONS[type];
