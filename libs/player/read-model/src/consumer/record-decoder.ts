import type { KafkaMessage } from 'kafkajs';
import { decodeEvent, MalformedEventRecord } from '@qf/player-wire';
import type { PlayerEvent } from '@qf/player-domain';

/** A record decoded into an event, or the reason it cannot be one (poison). */
export type DecodedRecord =
  | { readonly ok: true; readonly event: PlayerEvent }
  | { readonly ok: false; readonly error: unknown };

/**
 * decodeEvent (JSON, envelope, upcast) plus the envelope fields the projector relies on:
 * an event without a usable aggregate id or version cannot be placed in a stream.
 */
export const decodeRecord = (message: KafkaMessage): DecodedRecord => {
  try {
    const event = decodeEvent(message.value);
    const { aggregateId, version } = event.metadata;
    if (typeof aggregateId !== 'string' || aggregateId === '')
      throw new MalformedEventRecord('no aggregateId');
    if (!Number.isSafeInteger(version) || version < 1)
      throw new MalformedEventRecord(`version ${String(version)} is not a positive integer`);
    return { ok: true, event };
  } catch (error) {
    return { ok: false, error };
  }
};
