import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  decodeCursor,
  LEADERBOARD_CURSOR,
  leaderboardNextLink,
  pageOf,
  type LeaderboardCursor,
  type LeaderboardView,
} from '@qf/contracts';
import { GetLeaderboardQuery } from '@qf/player-api';
import { ReadModelRepository } from '@qf/player-read-model/queries';

/** GET /leaderboard?limit=&after=: a page by level, then xp (ties in player-id order), ranks continuing from the cursor. */
@QueryHandler(GetLeaderboardQuery)
export class GetLeaderboardHandler implements IQueryHandler<GetLeaderboardQuery, LeaderboardView> {
  constructor(private readonly repository: ReadModelRepository) {}

  async execute({ limit, after }: GetLeaderboardQuery): Promise<LeaderboardView> {
    const cursor =
      after === undefined ? undefined : decodeCursor<LeaderboardCursor>(after, LEADERBOARD_CURSOR);
    const firstRank = (cursor?.rank ?? 0) + 1;
    const docs = await this.repository.leaderboard(limit + 1, cursor);
    const entries = docs.map((doc, index) => ({
      rank: firstRank + index,
      playerId: doc._id,
      name: doc.name,
      level: doc.level,
      xp: doc.xp,
    }));
    const page = pageOf(entries, limit, (last) => leaderboardNextLink(limit, last));
    return { next: page.next, entries: page.items };
  }
}
