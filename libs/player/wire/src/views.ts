import type { CommandResult, EventView, PlayerView } from '@qf/contracts';
import type { PlayerEvent, PlayerState } from '@qf/player-domain';

/** One event as a command's answer or the history shows it. */
export const toEventView = (event: PlayerEvent): EventView => ({
  eventId: event.metadata.eventId,
  type: event.type,
  version: event.metadata.version,
  occurredAt: event.metadata.occurredAt,
  data: event.data,
});

/** Builds the answer of an accepted command from its events. */
export const toCommandResult = (
  playerId: string,
  version: number,
  events: readonly PlayerEvent[],
): CommandResult => ({
  playerId,
  version,
  events: events.map(toEventView),
});

/** The view of a folded or stored state: the same shape on the ES and CRUD sides. */
export const playerViewOf = (state: PlayerState): PlayerView => ({
  playerId: state.id,
  name: state.name,
  level: state.level,
  xp: state.xp,
  health: state.health,
  maxHealth: state.maxHealth,
  roomId: state.roomId,
  inventory: { ...state.inventory },
  alive: state.alive,
  version: state.version,
  updatedAt: state.updatedAt,
});
