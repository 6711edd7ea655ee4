import type { PlayerEvent } from '@qf/player-domain';
import { leaderboardDocument } from '../projection/leaderboard.projection';
import { playerDetailsDocument } from '../projection/player-details.projection';
import { playerEventDocument } from '../projection/player-events.projection';
import { roomOccupancyDocument } from '../projection/room-occupancy.projection';
import { foldLog } from './random-histories';

const byId = <T extends { _id: string }>(docs: T[]): T[] =>
  docs.sort((a, b) => a._id.localeCompare(b._id));
const present = <T>(value: T | null): value is T => value !== null;

/** The read models a log must produce: each document projected from a plain fold (sorted by _id). */
export const expectedReadModels = (log: readonly PlayerEvent[]) => {
  const states = [...foldLog(log).values()];
  return {
    playerDetails: byId(states.map(playerDetailsDocument).filter(present)),
    roomOccupancy: byId(states.map(roomOccupancyDocument).filter(present)),
    leaderboard: byId(states.map(leaderboardDocument).filter(present)),
    playerEvents: byId(log.map(playerEventDocument)),
  };
};
