import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { RoomOccupancyView } from '@qf/contracts';
import { GetRoomPlayersQuery } from '@qf/player-api';
import { ReadModelRepository } from '../mongo/read-model.repository';
import { roomPlayerFromDocument } from '../projection/player-view.mapper';
import { QUERY_LIMITS, type QueryLimits } from './query-limits';

/** GET /rooms/{roomId}/players: an empty room is an empty list, not a 404. */
@QueryHandler(GetRoomPlayersQuery)
export class GetRoomPlayersHandler implements IQueryHandler<GetRoomPlayersQuery, RoomOccupancyView> {
  constructor(
    private readonly repository: ReadModelRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  async execute({ roomId }: GetRoomPlayersQuery): Promise<RoomOccupancyView> {
    const docs = await this.repository.roomPlayers(roomId, this.limits.roomPlayers);
    return { roomId, players: docs.map(roomPlayerFromDocument) };
  }
}
