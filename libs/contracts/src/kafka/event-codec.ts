import type { IHeaders, Message } from 'kafkajs';
import { upcastPlayerEvent, type PlayerEvent, type RawPlayerEvent, type Upcast } from '@qf/player-domain';
import { HEADERS } from './headers';

/**
 * The wire form of an event on player.events (and crud.audit): key = player id, value =
 * the `{ type, data, metadata }` JSON, with type / schema version / occurredAt repeated in
 * headers so routers and lag meters need not parse the value.
 */
export const encodeEvent = (event: PlayerEvent): Message & { key: string; value: string; headers: IHeaders } => ({
  key: event.metadata.aggregateId,
  value: JSON.stringify(event),
  headers: {
    [HEADERS.type]: event.type,
    [HEADERS.schemaVersion]: String(event.metadata.schemaVersion),
    [HEADERS.occurredAt]: event.metadata.occurredAt,
    [HEADERS.commandId]: event.metadata.causationId,
  },
});

/** Thrown when a record on an event topic is not an event at all (poison). */
export class MalformedEventRecord extends Error {
  readonly code = 'EVENT.MALFORMED';
  readonly retriable = false;
  constructor(reason: string) {
    super(`malformed event record: ${reason}`);
  }
}

/** Parses and upcasts an event record's value; throws MalformedEventRecord or the domain's UnreadableEvent. */
export const decodeEvent = (value: Buffer | string | null, upcast: Upcast = upcastPlayerEvent): PlayerEvent => {
  if (value === null) throw new MalformedEventRecord('empty value (tombstone)');
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedEventRecord(`not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    throw new MalformedEventRecord('no event type');
  }
  const metadata = (raw as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) throw new MalformedEventRecord('no metadata');
  return upcast(raw as RawPlayerEvent);
};
