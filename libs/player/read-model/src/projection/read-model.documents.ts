import type { InventoryEntry, StoredPlayerFields } from '@qf/player-domain';

/**
 * The read-model documents as stored in Mongo. Inventories are arrays of
 * `{ itemId, qty }` (the domain's stored form, InventoryEntry): item ids may contain dots,
 * which MongoDB-wire servers treat as paths.
 */
export type { InventoryEntry };

/** player_details: the whole player, one document per player (`_id` = player id). */
export interface PlayerDetailsDocument extends StoredPlayerFields {
  readonly _id: string;
}

/**
 * room_occupancy: one document per player naming the room the player is in
 * (`_id` = player id, indexed by roomId). A move rewrites one document, so leaving the
 * old room and entering the new one is a single atomic, version-guarded write.
 */
export interface RoomOccupancyDocument {
  readonly _id: string;
  readonly roomId: string;
  readonly name: string;
  readonly level: number;
  readonly health: number;
  readonly alive: boolean;
  readonly inventory: readonly InventoryEntry[];
  readonly version: number;
}

/** leaderboard: the ranking fields only, one small document per player. */
export interface LeaderboardDocument {
  readonly _id: string;
  readonly name: string;
  readonly level: number;
  readonly xp: number;
  readonly version: number;
}

/** player_events: one document per event (`_id` = `${playerId}:${version}`), for history and time travel. */
export interface PlayerEventDocument {
  readonly _id: string;
  readonly playerId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly causationId: string;
  readonly correlationId: string;
}
