import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { playerNotFound, toEventView, type HistoryView } from '@qf/contracts';
import { GetHistoryQuery } from '@qf/player-api';
import { ReadModelRepository } from '../mongo/read-model.repository';
import { eventsFromDocuments } from './stored-events';

/** GET /players/{id}/history: the event index in version order; 404 when the player has no events at all. */
@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery, HistoryView> {
  constructor(private readonly repository: ReadModelRepository) {}

  async execute({ playerId, fromVersion, limit }: GetHistoryQuery): Promise<HistoryView> {
    const docs = await this.repository.events(playerId, { fromVersion, limit });
    if (docs.length === 0 && fromVersion <= 1) throw playerNotFound(playerId);
    return { playerId, events: eventsFromDocuments(docs).map(toEventView) };
  }
}
