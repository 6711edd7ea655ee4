// The player messages as they travel (REST bodies, gRPC, Kafka records): wire shapes of
// their own, so that a client or tool reads them without the domain library. The names
// must stay those of the domain's commands and events: @qf/player-wire checks that they do
// (wire-names.unit.spec.ts) and maps between the two at the edges.

/** The type tag of each player event on the wire, in the domain's order. */
export const EVENT_TYPE_NAMES = [
  'PlayerRegistered',
  'PlayerMoved',
  'ItemPickedUp',
  'ItemDropped',
  'DamageTaken',
  'PlayerDied',
  'PlayerHealed',
  'ExperienceGained',
  'LevelGained',
] as const;

export type EventTypeName = (typeof EVENT_TYPE_NAMES)[number];

/** The type tag of each player command on the wire. */
export type CommandTypeName =
  | 'RegisterPlayer'
  | 'MovePlayer'
  | 'PickUpItem'
  | 'DropItem'
  | 'TakeDamage'
  | 'Heal'
  | 'GainExperience';

/**
 * A command as it travels on player.commands: `{ type, data, metadata }` JSON. Its type
 * and data are checked by the decider that receives it (an unknown type or a wrong shape
 * is a rejection there, not poison), so the wire fixes only what routing needs.
 */
export interface CommandMessage {
  readonly type: string;
  readonly data: { readonly playerId: string };
  readonly metadata: { readonly commandId: string };
}
