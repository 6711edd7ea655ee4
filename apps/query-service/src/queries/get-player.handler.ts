import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { playerNotFound, type PlayerView } from '@qf/contracts';
import { GetPlayerQuery } from '@qf/player-api';
import { PLAYER_VIEW_READER, type PlayerViewReader } from '@qf/player-read-model/queries';

/** GET /players/{id}[?minVersion=N]: the cached or stored view, waiting (bounded) for minVersion. */
@QueryHandler(GetPlayerQuery)
export class GetPlayerHandler implements IQueryHandler<GetPlayerQuery, PlayerView> {
  constructor(@Inject(PLAYER_VIEW_READER) private readonly reader: PlayerViewReader) {}

  async execute({ playerId, minVersion }: GetPlayerQuery): Promise<PlayerView> {
    const view = await this.reader.get(playerId, minVersion);
    if (!view) throw playerNotFound(playerId);
    return view;
  }
}
