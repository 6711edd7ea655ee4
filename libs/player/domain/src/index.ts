export type { CommandMetadata } from './commands/command-metadata';
export type { DropItem } from './commands/drop-item.command';
export type { GainExperience } from './commands/gain-experience.command';
export type { Heal } from './commands/heal.command';
export type { MovePlayer } from './commands/move-player.command';
export type { PickUpItem } from './commands/pick-up-item.command';
export {
  commandTypes,
  isPlayerCommandType,
  type PlayerCommand,
  type PlayerCommandOf,
  type PlayerCommandType,
} from './commands/player.commands';
export type { RegisterPlayer } from './commands/register-player.command';
export type { TakeDamage } from './commands/take-damage.command';
export { decide } from './decide';
export { DomainError, isDomainError } from './errors/domain-error';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorKind,
  type ErrorKindOf,
} from './errors/error-codes';
export { PlayerRejected, type RejectionCode } from './errors/player-rejected.error';
export { UnknownCommand } from './errors/unknown-command.error';
export { UnreadableEvent } from './errors/unreadable-event.error';
export type { EventMetadata } from './events/event-metadata';
export {
  eventTypes,
  isPlayerEventType,
  type DamageTaken,
  type ExperienceGained,
  type ItemDropped,
  type ItemPickedUp,
  type LevelGained,
  type PlayerDied,
  type PlayerEvent,
  type PlayerEventBody,
  type PlayerEventOf,
  type PlayerEventType,
  type PlayerHealed,
  type PlayerMoved,
  type PlayerRegistered,
} from './events/player.events';
export { evolve } from './evolve';
export { fold } from './fold';
export { inventoryTotal, quantityOf } from './inventory';
export { initialState, type PlayerState } from './player.state';
export {
  ID_MAX_LENGTH,
  ID_PATTERN,
  INVENTORY_CAPACITY,
  levelForXp,
  MAX_AMOUNT,
  MAX_HEALTH_PER_LEVEL,
  NAME_MAX_LENGTH,
  START_LEVEL,
  START_MAX_HEALTH,
  START_XP,
  xpToReachLevel,
} from './rules';
export { tryDecide, type Decision } from './try-decide';
export {
  createUpcaster,
  PLAYER_UPCASTERS,
  upcastPlayerEvent,
  type DataUpcaster,
  type RawPlayerEvent,
  type SchemaVersions,
  type Upcast,
  type UpcasterMap,
} from './upcasters';
export { currentSchemaVersion, EVENT_SCHEMA_VERSIONS } from './schema/schema-versions';
export {
  assertWritable,
  downcastPlayerEvent,
  parseWriteSchemas,
  PLAYER_DOWNCASTERS,
  UnwritableSchemaError,
  type DataDowncaster,
  type DowncasterMap,
  type WriteSchemas,
} from './schema/downcasters';
export {
  downcastPlayerRegisteredV2,
  upcastPlayerRegisteredV1,
  type PlayerRegisteredV1Data,
} from './schema/player-registered.v1';
export { isValidId, isValidName, isValidQuantity } from './validation';
export {
  fromInventoryEntries,
  fromStoredPlayer,
  toInventoryEntries,
  toStoredPlayer,
  type InventoryEntry,
  type RegisteredPlayerFields,
  type StoredPlayerFields,
} from './stored-player';
