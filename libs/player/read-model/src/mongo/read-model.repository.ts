import type { Db } from 'mongodb';
import type {
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';
import { playerEventId } from '../projection/player-events.projection';
import type { ViewAliases } from './view-aliases';

/** The reads of the query service, each against the active collection of its view. */
export class ReadModelRepository {
  /** Every query carries it: the server gives up past it (a 504 for the client, not a held request). */
  private readonly limit: { maxTimeMS?: number };

  constructor(
    private readonly db: Db,
    private readonly aliases: ViewAliases,
    options: { maxTimeMS?: number } = {},
  ) {
    this.limit = options.maxTimeMS === undefined ? {} : { maxTimeMS: options.maxTimeMS };
  }

  async playerDetails(playerId: string): Promise<PlayerDetailsDocument | null> {
    const { playerDetails } = await this.aliases.collections();
    return this.db
      .collection<PlayerDetailsDocument>(playerDetails)
      .findOne({ _id: playerId }, this.limit);
  }

  /** The players in a room, in player-id order, at most limit of them. */
  async roomPlayers(roomId: string, limit: number): Promise<RoomOccupancyDocument[]> {
    const { roomOccupancy } = await this.aliases.collections();
    return this.db
      .collection<RoomOccupancyDocument>(roomOccupancy)
      .find({ roomId }, this.limit)
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  /** Top players by level, then xp, then id (a stable order for ties). */
  async leaderboard(limit: number): Promise<LeaderboardDocument[]> {
    const { leaderboard } = await this.aliases.collections();
    return this.db
      .collection<LeaderboardDocument>(leaderboard)
      .find({}, this.limit)
      .sort({ level: -1, xp: -1, _id: 1 })
      .limit(limit)
      .toArray();
  }

  /**
   * A player's events from fromVersion (inclusive) up to toVersion (inclusive, when given),
   * in version order, at most limit of them. Events are read by _id (`${playerId}:${version}`,
   * up to the version player_details has reached): an _id lookup is fast on every
   * MongoDB-wire server, where a range over a secondary index is not (mongo-java-server
   * ignores secondary indexes and would scan the whole event index for each read).
   */
  async events(
    playerId: string,
    {
      fromVersion = 1,
      toVersion,
      limit,
    }: { fromVersion?: number; toVersion?: number; limit?: number },
  ): Promise<PlayerEventDocument[]> {
    const { playerEvents, playerDetails } = await this.aliases.collections();
    const details = await this.db
      .collection<PlayerDetailsDocument>(playerDetails)
      .findOne({ _id: playerId }, { projection: { version: 1 }, ...this.limit });
    if (!details) return [];
    let last = Math.min(details.version, toVersion ?? Number.POSITIVE_INFINITY);
    if (limit !== undefined) last = Math.min(last, fromVersion + limit - 1);
    const collection = this.db.collection<PlayerEventDocument>(playerEvents);
    const docs: PlayerEventDocument[] = [];
    for (let first = Math.max(1, fromVersion); first <= last; first += EVENTS_PER_READ) {
      const ids: string[] = [];
      for (
        let version = first;
        version <= Math.min(last, first + EVENTS_PER_READ - 1);
        version += 1
      )
        ids.push(playerEventId(playerId, version));
      docs.push(...(await collection.find({ _id: { $in: ids } }, this.limit).toArray()));
    }
    return docs.sort((a, b) => a.version - b.version);
  }
}

/** Event ids per find: a long history is read in several round trips of bounded size. */
const EVENTS_PER_READ = 500;
