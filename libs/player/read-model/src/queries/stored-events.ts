import { upcastPlayerEvent, type PlayerEvent } from '@qf/player-domain';
import { rawEventFromDocument } from '../projection/player-events.projection';
import type { PlayerEventDocument } from '../projection/read-model.documents';

/** Events from the index as the current schema (stored ones may predate an upcaster). */
export const eventsFromDocuments = (docs: readonly PlayerEventDocument[]): PlayerEvent[] =>
  docs.map((doc) => upcastPlayerEvent(rawEventFromDocument(doc)));
