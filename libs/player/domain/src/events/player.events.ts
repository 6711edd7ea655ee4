import type { EventMetadata } from './event-metadata';

type Event<Type extends string, Data> = { type: Type; data: Data; metadata: EventMetadata };

/** A player came into existence in startRoom with the start stats (schema v2; v1 was flat, see schema/). */
export type PlayerRegistered = Event<
  'PlayerRegistered',
  {
    playerId: string;
    name: string;
    startRoom: string;
    stats: { level: number; xp: number; health: number; maxHealth: number };
  }
>;
/** A player went from one room to another. */
export type PlayerMoved = Event<'PlayerMoved', { fromRoom: string; toRoom: string }>;
/** A player added qty of an item to the inventory. */
export type ItemPickedUp = Event<'ItemPickedUp', { itemId: string; qty: number }>;
/** A player removed qty of an item from the inventory. */
export type ItemDropped = Event<'ItemDropped', { itemId: string; qty: number }>;
/** A player was hit: amount is the damage requested (may exceed health), health the result. */
export type DamageTaken = Event<'DamageTaken', { amount: number; health: number }>;
/** A player's health reached 0 in roomId. */
export type PlayerDied = Event<'PlayerDied', { roomId: string }>;
/** A player was healed: amount is the effective gain after the cap (0 at full health). */
export type PlayerHealed = Event<'PlayerHealed', { amount: number; health: number }>;
/** A player earned amount experience, reaching xp in total. */
export type ExperienceGained = Event<'ExperienceGained', { amount: number; xp: number }>;
/** A player reached a level: maxHealth went up and health was refilled to it. */
export type LevelGained = Event<
  'LevelGained',
  { level: number; maxHealth: number; health: number }
>;

/** Every event of the Player aggregate. */
export type PlayerEvent =
  | PlayerRegistered
  | PlayerMoved
  | ItemPickedUp
  | ItemDropped
  | DamageTaken
  | PlayerDied
  | PlayerHealed
  | ExperienceGained
  | LevelGained;

/** The type tag of a player event. */
export type PlayerEventType = PlayerEvent['type'];

/** A player event before the envelope is stamped on: what a decision says happened. */
export type PlayerEventBody = PlayerEvent extends infer E
  ? E extends PlayerEvent
    ? Omit<E, 'metadata'>
    : never
  : never;

/** The player event of type T. */
export type PlayerEventOf<T extends PlayerEventType> = Extract<PlayerEvent, { type: T }>;

// A Record forces every member of the union to be listed exactly once.
const EVENT_TYPES: Record<PlayerEventType, true> = {
  PlayerRegistered: true,
  PlayerMoved: true,
  ItemPickedUp: true,
  ItemDropped: true,
  DamageTaken: true,
  PlayerDied: true,
  PlayerHealed: true,
  ExperienceGained: true,
  LevelGained: true,
};

/** All player event types. */
export const eventTypes: readonly PlayerEventType[] = Object.freeze(
  Object.keys(EVENT_TYPES) as PlayerEventType[],
);

const eventTypeSet: ReadonlySet<string> = new Set(eventTypes);

/** Whether type names a player event. */
export const isPlayerEventType = (type: unknown): type is PlayerEventType =>
  typeof type === 'string' && eventTypeSet.has(type);
