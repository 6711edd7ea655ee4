import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import {
  decodeCursor,
  pageOf,
  ROOM_CURSOR,
  roomNextLink,
  type RoomCursor,
  type RoomOccupancyView,
} from '@qf/contracts';
import { GetRoomPlayersQuery } from '@qf/player-api';
import { ReadModelRepository, roomPlayerFromDocument } from '@qf/player-read-model/queries';
import { QUERY_LIMITS, type QueryLimits } from './query-limits';

/** GET /rooms/{roomId}/players: a page in player-id order with a next link; an empty room is an empty list, not a 404. */
@QueryHandler(GetRoomPlayersQuery)
export class GetRoomPlayersHandler implements IQueryHandler<
  GetRoomPlayersQuery,
  RoomOccupancyView
> {
  constructor(
    private readonly repository: ReadModelRepository,
    @Inject(QUERY_LIMITS) private readonly limits: QueryLimits,
  ) {}

  async execute({ roomId, limit, after }: GetRoomPlayersQuery): Promise<RoomOccupancyView> {
    const size = Math.min(limit, this.limits.roomPlayers);
    const from =
      after === undefined ? undefined : decodeCursor<RoomCursor>(after, ROOM_CURSOR).playerId;
    const page = pageOf(await this.repository.roomPlayers(roomId, size + 1, from), size, (last) =>
      roomNextLink(roomId, size, last._id),
    );
    return { roomId, next: page.next, players: page.items.map(roomPlayerFromDocument) };
  }
}
