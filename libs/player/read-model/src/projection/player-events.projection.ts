import type { PlayerEvent, RawPlayerEvent } from '@qf/player-domain';
import type { PlayerEventDocument } from './read-model.documents';

/** `${playerId}:${version}`: unique per aggregate version, so a redelivered event maps to the same document. */
export const playerEventId = (playerId: string, version: number): string =>
  `${playerId}:${version}`;

/** The player_events document of one event (the per-aggregate event index). */
export const playerEventDocument = (event: PlayerEvent): PlayerEventDocument => {
  const { eventId, aggregateId, version, schemaVersion, occurredAt, causationId, correlationId } =
    event.metadata;
  return {
    _id: playerEventId(aggregateId, version),
    playerId: aggregateId,
    version,
    eventId,
    type: event.type,
    data: event.data,
    schemaVersion,
    occurredAt,
    causationId,
    correlationId,
  };
};

/** The stored event as the domain's upcaster takes it (a stored event may predate a schema change). */
export const rawEventFromDocument = (doc: PlayerEventDocument): RawPlayerEvent => ({
  type: doc.type,
  data: doc.data,
  metadata: {
    eventId: doc.eventId,
    aggregateId: doc.playerId,
    version: doc.version,
    schemaVersion: doc.schemaVersion,
    occurredAt: doc.occurredAt,
    causationId: doc.causationId,
    correlationId: doc.correlationId,
  },
});
