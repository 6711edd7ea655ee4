import type { PlayerState, RegisteredPlayerFields } from '@qf/player-domain';
import type { EventView } from './command-result';

/** A player as the read side shows it (GET /players/{id}): the inventory as a map of item id to quantity. */
export interface PlayerView extends RegisteredPlayerFields {
  readonly playerId: string;
  readonly inventory: Readonly<Record<string, number>>;
}

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

/** GET /rooms/{roomId}/players: the players in a room with their inventories. */
export interface RoomOccupancyView {
  readonly roomId: string;
  /** The next page (relative URL), or null on the last one. */
  readonly next: string | null;
  readonly players: ReadonlyArray<
    Pick<PlayerView, 'playerId' | 'name' | 'level' | 'health' | 'alive' | 'inventory' | 'version'>
  >;
}

/** GET /leaderboard?limit=: top players by level, then xp. */
export interface LeaderboardView {
  /** The next page (relative URL), or null on the last one. */
  readonly next: string | null;
  readonly entries: ReadonlyArray<{
    rank: number;
    playerId: string;
    name: string;
    level: number;
    xp: number;
  }>;
}

/** GET /players/{id}/history: the player's events in version order. */
export interface HistoryView {
  readonly playerId: string;
  /** The next page (relative URL, `fromVersion` after the last event), or null on the last one. */
  readonly next: string | null;
  readonly events: readonly EventView[];
}

/** GET /players/{id}/state?version=N|at=ISO: the player folded up to a version or a time. */
export interface StateAtView {
  readonly playerId: string;
  readonly asOf: { readonly version: number } | { readonly at: string };
  readonly state: PlayerView;
}
