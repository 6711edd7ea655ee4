import type { CommandMetadata } from '../commands/command-metadata';
import type { DropItem } from '../commands/drop-item.command';
import type { GainExperience } from '../commands/gain-experience.command';
import type { Heal } from '../commands/heal.command';
import type { MovePlayer } from '../commands/move-player.command';
import type { PickUpItem } from '../commands/pick-up-item.command';
import type { PlayerCommand } from '../commands/player.commands';
import type { RegisterPlayer } from '../commands/register-player.command';
import type { TakeDamage } from '../commands/take-damage.command';
import { currentSchemaVersion } from '../schema/schema-versions';
import type { PlayerEvent, PlayerEventBody, PlayerRegistered } from '../events/player.events';
import { START_LEVEL, START_MAX_HEALTH, START_XP } from '../rules';

/** The player every builder targets unless told otherwise. */
export const PLAYER_ID = '0b7c6f7e-1d2a-4c3b-9e8f-000000000001';
/** Room a registered player starts in. */
export const START_ROOM = 'room.start';
/** Metadata every built command carries unless overridden. */
export const COMMAND_METADATA: Readonly<CommandMetadata> = Object.freeze({
  commandId: 'command-1',
  correlationId: 'correlation-1',
  occurredAt: '2025-01-01T12:00:00.000Z',
});
/** occurredAt of every event built by historyOf. */
export const HISTORY_TIME = '2025-01-01T00:00:00.000Z';

type Overrides<C extends PlayerCommand> = Partial<C['data']>;

const withMetadata = (overrides: Partial<CommandMetadata>): CommandMetadata => ({
  ...COMMAND_METADATA,
  ...overrides,
});

/** Valid commands for PLAYER_ID with fixed metadata; pass data or metadata overrides. */
export const aCommand = {
  register: (
    data: Overrides<RegisterPlayer> = {},
    metadata: Partial<CommandMetadata> = {},
  ): RegisterPlayer => ({
    type: 'RegisterPlayer',
    data: { playerId: PLAYER_ID, name: 'Aria', startRoom: START_ROOM, ...data },
    metadata: withMetadata(metadata),
  }),
  move: (
    data: Overrides<MovePlayer> = {},
    metadata: Partial<CommandMetadata> = {},
  ): MovePlayer => ({
    type: 'MovePlayer',
    data: { playerId: PLAYER_ID, toRoom: 'room.hall', ...data },
    metadata: withMetadata(metadata),
  }),
  pickUp: (
    data: Overrides<PickUpItem> = {},
    metadata: Partial<CommandMetadata> = {},
  ): PickUpItem => ({
    type: 'PickUpItem',
    data: { playerId: PLAYER_ID, itemId: 'item.sword', qty: 1, ...data },
    metadata: withMetadata(metadata),
  }),
  drop: (data: Overrides<DropItem> = {}, metadata: Partial<CommandMetadata> = {}): DropItem => ({
    type: 'DropItem',
    data: { playerId: PLAYER_ID, itemId: 'item.sword', qty: 1, ...data },
    metadata: withMetadata(metadata),
  }),
  takeDamage: (
    data: Overrides<TakeDamage> = {},
    metadata: Partial<CommandMetadata> = {},
  ): TakeDamage => ({
    type: 'TakeDamage',
    data: { playerId: PLAYER_ID, amount: 10, ...data },
    metadata: withMetadata(metadata),
  }),
  heal: (data: Overrides<Heal> = {}, metadata: Partial<CommandMetadata> = {}): Heal => ({
    type: 'Heal',
    data: { playerId: PLAYER_ID, amount: 10, ...data },
    metadata: withMetadata(metadata),
  }),
  gainExperience: (
    data: Overrides<GainExperience> = {},
    metadata: Partial<CommandMetadata> = {},
  ): GainExperience => ({
    type: 'GainExperience',
    data: { playerId: PLAYER_ID, amount: 10, ...data },
    metadata: withMetadata(metadata),
  }),
};

/** The PlayerRegistered body with the start stats. */
export const registration = (
  data: Partial<Omit<PlayerRegistered['data'], 'stats'>> & {
    stats?: Partial<PlayerRegistered['data']['stats']>;
  } = {},
): PlayerEventBody => ({
  type: 'PlayerRegistered',
  data: {
    playerId: PLAYER_ID,
    name: 'Aria',
    startRoom: START_ROOM,
    ...data,
    stats: {
      level: START_LEVEL,
      xp: START_XP,
      health: START_MAX_HEALTH,
      maxHealth: START_MAX_HEALTH,
      ...data.stats,
    },
  },
});

/** bodies as the stored stream of playerId: versions 1..n, fixed ids and time. */
export const historyOf = (playerId: string, ...bodies: PlayerEventBody[]): PlayerEvent[] =>
  bodies.map((body, index) => ({
    ...body,
    metadata: {
      eventId: `history:${index}`,
      aggregateId: playerId,
      version: index + 1,
      schemaVersion: currentSchemaVersion(body.type),
      occurredAt: HISTORY_TIME,
      causationId: 'history',
      correlationId: 'history',
    },
  }));

/** The stream of a freshly registered player, followed by bodies. */
export const registeredPlayer = (
  playerId = PLAYER_ID,
  ...bodies: PlayerEventBody[]
): PlayerEvent[] => historyOf(playerId, registration({ playerId }), ...bodies);
