import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { LeaderboardView } from '@qf/contracts';
import { GetLeaderboardQuery } from '@qf/player-api';
import { ReadModelRepository } from '../mongo/read-model.repository';

/** GET /leaderboard?limit=: ranks 1..limit by level, then xp (ties in player-id order). */
@QueryHandler(GetLeaderboardQuery)
export class GetLeaderboardHandler implements IQueryHandler<GetLeaderboardQuery, LeaderboardView> {
  constructor(private readonly repository: ReadModelRepository) {}

  async execute({ limit }: GetLeaderboardQuery): Promise<LeaderboardView> {
    const docs = await this.repository.leaderboard(limit);
    return { entries: docs.map((doc, index) => ({ rank: index + 1, playerId: doc._id, name: doc.name, level: doc.level, xp: doc.xp })) };
  }
}
