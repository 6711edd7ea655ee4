import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { historyNextLink, pageOf, playerNotFound, type HistoryView } from '@qf/contracts';
import { toEventView } from '@qf/player-wire';
import { GetHistoryQuery } from '@qf/player-api';
import { ReadModelRepository, eventsFromDocuments } from '@qf/player-read-model/queries';

/** GET /players/{id}/history: the event index in version order, a page at a time; 404 when the player has no events at all. */
@QueryHandler(GetHistoryQuery)
export class GetHistoryHandler implements IQueryHandler<GetHistoryQuery, HistoryView> {
  constructor(private readonly repository: ReadModelRepository) {}

  async execute({ playerId, fromVersion, limit }: GetHistoryQuery): Promise<HistoryView> {
    const docs = await this.repository.events(playerId, { fromVersion, limit: limit + 1 });
    if (docs.length === 0 && fromVersion <= 1) throw playerNotFound(playerId);
    const page = pageOf(docs, limit, (last) => historyNextLink(playerId, limit, last.version));
    return { playerId, next: page.next, events: eventsFromDocuments(page.items).map(toEventView) };
  }
}
