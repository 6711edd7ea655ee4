import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { isValidId } from '@qf/player-domain';
import {
  describeIssues,
  emptyQuerySchema,
  historyQuerySchema,
  leaderboardQuerySchema,
  malformedRequest,
  minVersionQuerySchema,
  playerIdSchema,
  stateQuerySchema,
} from '@qf/contracts';
import type { ZodTypeAny } from 'zod';
import {
  GetHistoryQuery,
  GetLeaderboardQuery,
  GetPlayerQuery,
  GetRoomPlayersQuery,
  GetStateAtQuery,
} from '../queries/player.queries';

/** `field` names the value when an issue is about all of it (a path parameter, the query string). */
const parse = <T>(schema: ZodTypeAny, value: unknown, what: string, field = '(query)'): T => {
  const result = schema.safeParse(value);
  if (!result.success)
    throw malformedRequest(`invalid ${what}`, describeIssues(result.error, field));
  return result.data as T;
};

const playerId = (value: string) =>
  parse<string>(playerIdSchema, value, 'player id in the path', 'playerId');

export const DEFAULT_LEADERBOARD_LIMIT = 10;

/** The read routes; every app answering them registers handlers for the query classes. */
@Controller()
export class PlayerQueriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('players/:playerId')
  getPlayer(@Param('playerId') id: string, @Query() query: unknown) {
    const { minVersion } = parse<{ minVersion?: number }>(
      minVersionQuerySchema,
      query,
      'query string',
    );
    return this.queryBus.execute(new GetPlayerQuery(playerId(id), minVersion));
  }

  @Get('rooms/:roomId/players')
  getRoomPlayers(@Param('roomId') roomId: string, @Query() query: unknown) {
    if (!isValidId(roomId))
      throw malformedRequest('invalid room id in the path', [
        { field: 'roomId', message: '1..64 of A-Z a-z 0-9 _ . : -' },
      ]);
    parse(emptyQuerySchema, query, 'query string');
    return this.queryBus.execute(new GetRoomPlayersQuery(roomId));
  }

  @Get('leaderboard')
  getLeaderboard(@Query() query: unknown) {
    const { limit } = parse<{ limit?: number }>(leaderboardQuerySchema, query, 'query string');
    return this.queryBus.execute(new GetLeaderboardQuery(limit ?? DEFAULT_LEADERBOARD_LIMIT));
  }

  @Get('players/:playerId/history')
  getHistory(@Param('playerId') id: string, @Query() query: unknown) {
    const { fromVersion, limit } = parse<{ fromVersion?: number; limit?: number }>(
      historyQuerySchema,
      query,
      'query string',
    );
    return this.queryBus.execute(
      new GetHistoryQuery(playerId(id), fromVersion ?? 1, limit ?? 1000),
    );
  }

  @Get('players/:playerId/state')
  getStateAt(@Param('playerId') id: string, @Query() query: unknown) {
    const { version, at } = parse<{ version?: number; at?: string }>(
      stateQuerySchema,
      query,
      'query string',
    );
    const asOf = version !== undefined ? { version } : { at: new Date(at as string).toISOString() };
    return this.queryBus.execute(new GetStateAtQuery(playerId(id), asOf));
  }
}
