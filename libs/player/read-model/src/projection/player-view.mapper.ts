import { type PlayerView, type RoomOccupancyView } from '@qf/contracts';
import { playerViewOf } from '@qf/player-wire';
import { fromInventoryEntries } from '@qf/player-domain';
import type { PlayerDetailsDocument, RoomOccupancyDocument } from './read-model.documents';

/** The API view of a folded state (time travel, cache writes). */
export const playerViewFromState = playerViewOf;

/** The API view of a player_details document. */
export const playerViewFromDetails = (doc: PlayerDetailsDocument): PlayerView => ({
  playerId: doc._id,
  name: doc.name,
  level: doc.level,
  xp: doc.xp,
  health: doc.health,
  maxHealth: doc.maxHealth,
  roomId: doc.roomId,
  inventory: fromInventoryEntries(doc.inventory),
  alive: doc.alive,
  version: doc.version,
  updatedAt: doc.updatedAt,
});

/** One player of GET /rooms/{roomId}/players. */
export const roomPlayerFromDocument = (
  doc: RoomOccupancyDocument,
): RoomOccupancyView['players'][number] => ({
  playerId: doc._id,
  name: doc.name,
  level: doc.level,
  health: doc.health,
  alive: doc.alive,
  inventory: fromInventoryEntries(doc.inventory),
  version: doc.version,
});
