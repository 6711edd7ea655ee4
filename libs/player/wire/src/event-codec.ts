import type { IHeaders, Message } from 'kafkajs';
import {
  downcastPlayerEvent,
  parseWriteSchemas,
  upcastPlayerEvent,
  type PlayerEvent,
  type RawPlayerEvent,
  type Upcast,
  type WriteSchemas,
} from '@qf/player-domain';
import { HEADERS } from '@qf/contracts';

let fromEnv: { spec: string; schemas: WriteSchemas } | undefined;

/**
 * The schema versions this process writes below the current ones, from
 * QF_EVENT_WRITE_SCHEMAS (`PlayerRegistered@1`): set during a rolling upgrade while a
 * build that cannot read the new version still runs (docs/schema-evolution.md). Parsed
 * once per value; throws (naming the entry) when it cannot be written, so call it at start.
 */
export const writeSchemasFromEnv = (env: NodeJS.ProcessEnv = process.env): WriteSchemas => {
  const spec = env['QF_EVENT_WRITE_SCHEMAS'] ?? '';
  if (fromEnv?.spec !== spec) fromEnv = { spec, schemas: parseWriteSchemas(spec) };
  return fromEnv.schemas;
};

/** The wire form of event written at the schema versions in write (encodeEvent takes them from the environment). */
export const encodeEventAs = (
  event: PlayerEvent,
  write: WriteSchemas,
): Message & { key: string; value: string; headers: IHeaders } => {
  const stored = downcastPlayerEvent(event, write);
  return {
    key: stored.metadata.aggregateId,
    value: JSON.stringify(stored),
    headers: {
      [HEADERS.type]: stored.type,
      [HEADERS.schemaVersion]: String(stored.metadata.schemaVersion),
      [HEADERS.occurredAt]: stored.metadata.occurredAt,
      [HEADERS.commandId]: stored.metadata.causationId,
    },
  };
};

/**
 * The wire form of an event on player.events (and crud.audit): key = player id, value =
 * the `{ type, data, metadata }` JSON, with type / schema version / occurredAt repeated in
 * headers so routers and lag meters need not parse the value. Written at the current
 * schema of each type unless QF_EVENT_WRITE_SCHEMAS pins an older one.
 */
export const encodeEvent = (
  event: PlayerEvent,
): Message & { key: string; value: string; headers: IHeaders } =>
  encodeEventAs(event, writeSchemasFromEnv());

/** Thrown when a record on an event topic is not an event at all (poison). */
export class MalformedEventRecord extends Error {
  readonly code = 'EVENT.MALFORMED';
  readonly retriable = false;
  constructor(reason: string) {
    super(`malformed event record: ${reason}`);
  }
}

/** Parses and upcasts an event record's value; throws MalformedEventRecord or the domain's UnreadableEvent. */
export const decodeEvent = (
  value: Buffer | string | null,
  upcast: Upcast = upcastPlayerEvent,
): PlayerEvent => {
  if (value === null) throw new MalformedEventRecord('empty value (tombstone)');
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedEventRecord(`not JSON (${(error as Error).message})`);
  }
  if (
    typeof raw !== 'object' ||
    raw === null ||
    typeof (raw as { type?: unknown }).type !== 'string'
  ) {
    throw new MalformedEventRecord('no event type');
  }
  const metadata = (raw as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null)
    throw new MalformedEventRecord('no metadata');
  return upcast(raw as RawPlayerEvent);
};
