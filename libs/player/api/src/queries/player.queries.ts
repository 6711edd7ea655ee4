/** GET /players/{id}[?minVersion=N] -> PlayerView. `minVersion` waits (bounded) for read-your-writes. */
export class GetPlayerQuery {
  constructor(
    readonly playerId: string,
    readonly minVersion?: number,
  ) {}
}

/** GET /rooms/{roomId}/players -> RoomOccupancyView. */
export class GetRoomPlayersQuery {
  constructor(
    readonly roomId: string,
    readonly limit = 100,
    readonly after?: string,
  ) {}
}

/** GET /leaderboard?limit= -> LeaderboardView (top by level, then xp). */
export class GetLeaderboardQuery {
  constructor(
    readonly limit: number,
    readonly after?: string,
  ) {}
}

/** GET /players/{id}/history[?fromVersion&limit] -> HistoryView. */
export class GetHistoryQuery {
  constructor(
    readonly playerId: string,
    readonly fromVersion = 1,
    readonly limit = 1000,
  ) {}
}

/** GET /players/{id}/state?version=N|at=ISO -> StateAtView. */
export class GetStateAtQuery {
  constructor(
    readonly playerId: string,
    readonly asOf: { version: number } | { at: string },
  ) {}
}
