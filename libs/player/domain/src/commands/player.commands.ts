import type { DropItem } from './drop-item.command';
import type { GainExperience } from './gain-experience.command';
import type { Heal } from './heal.command';
import type { MovePlayer } from './move-player.command';
import type { PickUpItem } from './pick-up-item.command';
import type { RegisterPlayer } from './register-player.command';
import type { TakeDamage } from './take-damage.command';

/** Every command the Player aggregate accepts. */
export type PlayerCommand =
  RegisterPlayer | MovePlayer | PickUpItem | DropItem | TakeDamage | Heal | GainExperience;

/** The type tag of a player command. */
export type PlayerCommandType = PlayerCommand['type'];

/** The player command of type T. */
export type PlayerCommandOf<T extends PlayerCommandType> = Extract<PlayerCommand, { type: T }>;

// A Record forces every member of the union to be listed exactly once.
const COMMAND_TYPES: Record<PlayerCommandType, true> = {
  RegisterPlayer: true,
  MovePlayer: true,
  PickUpItem: true,
  DropItem: true,
  TakeDamage: true,
  Heal: true,
  GainExperience: true,
};

/** All player command types. */
export const commandTypes: readonly PlayerCommandType[] = Object.freeze(
  Object.keys(COMMAND_TYPES) as PlayerCommandType[],
);

const commandTypeSet: ReadonlySet<string> = new Set(commandTypes);

/** Whether type names a player command. */
export const isPlayerCommandType = (type: unknown): type is PlayerCommandType =>
  typeof type === 'string' && commandTypeSet.has(type);
