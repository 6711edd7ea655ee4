import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { playerNotFound, type StateAtView } from '@qf/contracts';
import { fold, type PlayerEvent } from '@qf/player-domain';
import { GetStateAtQuery } from '@qf/player-api';
import {
  ReadModelRepository,
  playerViewFromState,
  eventsFromDocuments,
} from '@qf/player-read-model/queries';

/**
 * GET /players/{id}/state?version=N|at=ISO: the player folded from the event index with
 * the domain's evolve. `at` takes the events in version order up to the first one that
 * occurred after it, so the answer is always a prefix of the stream (a real past state).
 * 404 when the player was not registered by then.
 */
@QueryHandler(GetStateAtQuery)
export class GetStateAtHandler implements IQueryHandler<GetStateAtQuery, StateAtView> {
  constructor(private readonly repository: ReadModelRepository) {}

  async execute({ playerId, asOf }: GetStateAtQuery): Promise<StateAtView> {
    const events =
      'version' in asOf
        ? await this.upToVersion(playerId, asOf.version)
        : await this.upToTime(playerId, Date.parse(asOf.at));
    const state = fold(playerId, events);
    if (!state.registered) throw playerNotFound(playerId);
    return { playerId, asOf, state: playerViewFromState(state) };
  }

  private async upToVersion(playerId: string, version: number): Promise<PlayerEvent[]> {
    return eventsFromDocuments(await this.repository.events(playerId, { toVersion: version }));
  }

  private async upToTime(playerId: string, at: number): Promise<PlayerEvent[]> {
    const events = eventsFromDocuments(await this.repository.events(playerId, {}));
    const after = events.findIndex((event) => Date.parse(event.metadata.occurredAt) > at);
    return after === -1 ? events : events.slice(0, after);
  }
}
