import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type {
  HistoryView,
  LeaderboardView,
  PlayerView,
  RoomOccupancyView,
  StateAtView,
} from '@qf/contracts';
import {
  GetHistoryQuery,
  GetLeaderboardQuery,
  GetPlayerQuery,
  GetRoomPlayersQuery,
  GetStateAtQuery,
} from '@qf/player-api';
import { CrudQueries } from '@qf/player-crud';

/** GET /players/{id}: the live document is the current state, so minVersion never waits. */
@QueryHandler(GetPlayerQuery)
export class CrudGetPlayerHandler implements IQueryHandler<GetPlayerQuery, PlayerView> {
  constructor(private readonly queries: CrudQueries) {}
  execute({ playerId }: GetPlayerQuery): Promise<PlayerView> {
    return this.queries.player(playerId);
  }
}

@QueryHandler(GetRoomPlayersQuery)
export class CrudGetRoomPlayersHandler implements IQueryHandler<
  GetRoomPlayersQuery,
  RoomOccupancyView
> {
  constructor(private readonly queries: CrudQueries) {}
  execute({ roomId, limit, after }: GetRoomPlayersQuery): Promise<RoomOccupancyView> {
    return this.queries.room(roomId, limit, after);
  }
}

@QueryHandler(GetLeaderboardQuery)
export class CrudGetLeaderboardHandler implements IQueryHandler<
  GetLeaderboardQuery,
  LeaderboardView
> {
  constructor(private readonly queries: CrudQueries) {}
  execute({ limit, after }: GetLeaderboardQuery): Promise<LeaderboardView> {
    return this.queries.leaderboard(limit, after);
  }
}

@QueryHandler(GetHistoryQuery)
export class CrudGetHistoryHandler implements IQueryHandler<GetHistoryQuery, HistoryView> {
  constructor(private readonly queries: CrudQueries) {}
  execute({ playerId, fromVersion, limit }: GetHistoryQuery): Promise<HistoryView> {
    return this.queries.history(playerId, fromVersion, limit);
  }
}

@QueryHandler(GetStateAtQuery)
export class CrudGetStateAtHandler implements IQueryHandler<GetStateAtQuery, StateAtView> {
  constructor(private readonly queries: CrudQueries) {}
  execute({ playerId, asOf }: GetStateAtQuery): Promise<StateAtView> {
    return this.queries.stateAt(playerId, asOf);
  }
}

export const crudQueryHandlers = [
  CrudGetPlayerHandler,
  CrudGetRoomPlayersHandler,
  CrudGetLeaderboardHandler,
  CrudGetHistoryHandler,
  CrudGetStateAtHandler,
];
