import type { EventView } from './command-result';

/**
 * A player as the read side shows it (GET /players/{id}), the same on the ES and CRUD
 * sides: the inventory as a map of item id to quantity.
 */
export interface PlayerView {
  readonly playerId: string;
  readonly name: string;
  readonly level: number;
  readonly xp: number;
  readonly health: number;
  readonly maxHealth: number;
  readonly roomId: string;
  readonly inventory: Readonly<Record<string, number>>;
  readonly alive: boolean;
  /** The aggregate version the view reflects. */
  readonly version: number;
  readonly updatedAt: string;
}

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
