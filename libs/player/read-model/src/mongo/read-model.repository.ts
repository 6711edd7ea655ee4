import type { Db } from 'mongodb';
import type {
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';
import type { ViewAliases } from './view-aliases';

/** The reads of the query service, each against the active collection of its view. */
export class ReadModelRepository {
  constructor(
    private readonly db: Db,
    private readonly aliases: ViewAliases,
  ) {}

  async playerDetails(playerId: string): Promise<PlayerDetailsDocument | null> {
    const { playerDetails } = await this.aliases.collections();
    return this.db.collection<PlayerDetailsDocument>(playerDetails).findOne({ _id: playerId });
  }

  /** The players in a room, in player-id order, at most limit of them. */
  async roomPlayers(roomId: string, limit: number): Promise<RoomOccupancyDocument[]> {
    const { roomOccupancy } = await this.aliases.collections();
    return this.db.collection<RoomOccupancyDocument>(roomOccupancy).find({ roomId }).sort({ _id: 1 }).limit(limit).toArray();
  }

  /** Top players by level, then xp, then id (a stable order for ties). */
  async leaderboard(limit: number): Promise<LeaderboardDocument[]> {
    const { leaderboard } = await this.aliases.collections();
    return this.db.collection<LeaderboardDocument>(leaderboard).find({}).sort({ level: -1, xp: -1, _id: 1 }).limit(limit).toArray();
  }

  /** A player's events from fromVersion (inclusive) up to toVersion (inclusive, when given), in version order. */
  async events(playerId: string, { fromVersion = 1, toVersion, limit }: { fromVersion?: number; toVersion?: number; limit?: number }): Promise<PlayerEventDocument[]> {
    const { playerEvents } = await this.aliases.collections();
    const version = toVersion === undefined ? { $gte: fromVersion } : { $gte: fromVersion, $lte: toVersion };
    const cursor = this.db.collection<PlayerEventDocument>(playerEvents).find({ playerId, version }).sort({ version: 1 });
    return (limit === undefined ? cursor : cursor.limit(limit)).toArray();
  }
}
