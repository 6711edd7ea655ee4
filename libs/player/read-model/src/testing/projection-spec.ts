import type { PlayerEvent, PlayerState } from '@qf/player-domain';
import { fold } from '@qf/player-domain';
import { ReadModelWriter } from '../store/read-model.writer';
import { InMemoryReadModelStore } from './in-memory-read-model.store';

// The log the events stand for: each version once, in order (the input may repeat some).
const logOf = (events: readonly PlayerEvent[]): PlayerEvent[] =>
  [...new Map(events.map((event) => [event.metadata.version, event])).values()].sort(
    (a, b) => a.metadata.version - b.metadata.version,
  );

/** The state -> document function of one read model (player_details, room_occupancy …). */
export type StateProjection<D> = (state: PlayerState) => D | null;

/** What then() checks: the exact document (null = none), or a custom assertion on it. */
export type DocumentExpectation<D> = D | null | ((document: D | null) => void);

/**
 * Projection specification: `givenProjection(projection, collection)(...events).then(document)`.
 * The events go through the projector's real write path (ReadModelWriter over the
 * in-memory store with the Mongo guards), then the document of the events' player is
 * compared; it must also equal the projection of a plain fold of the same events.
 */
export const givenProjection =
  <D extends { _id: string }>(
    projection: StateProjection<D>,
    collection: 'playerDetails' | 'roomOccupancy' | 'leaderboard',
  ) =>
  (...events: PlayerEvent[] | [PlayerEvent[]]) => ({
    async then(expected: DocumentExpectation<D>): Promise<D | null> {
      const flat = events.flat();
      const playerId = flat[0]?.metadata.aggregateId ?? 'nobody';
      const store = new InMemoryReadModelStore();
      await new ReadModelWriter(store).apply(flat);
      const stored =
        ((store[collection] as Map<string, unknown>).get(playerId) as D | undefined) ?? null;
      expect(stored).toEqual(projection(fold(playerId, logOf(flat))));
      if (typeof expected === 'function') (expected as (document: D | null) => void)(stored);
      else expect(stored).toEqual(expected);
      return stored;
    },
  });
