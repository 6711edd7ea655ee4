import { CURRENT_SCHEMA_VERSION } from './envelope';
import { UnreadableEvent } from './errors/unreadable-event.error';
import type { EventMetadata } from './events/event-metadata';
import { isPlayerEventType, type PlayerEvent, type PlayerEventType } from './events/player.events';

/** An event as read from the store: any type, any schema version. */
export interface RawPlayerEvent {
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Turns the data of one schema version into the data of the next. */
export type DataUpcaster = (data: unknown) => unknown;

/** Upcasters keyed by `${type}@${fromSchemaVersion}`. */
export type UpcasterMap = Readonly<Partial<Record<`${PlayerEventType}@${number}`, DataUpcaster>>>;

/** Reads a stored event as the current PlayerEvent, or throws UnreadableEvent. */
export type Upcast = (raw: RawPlayerEvent) => PlayerEvent;

/**
 * An upcast that walks data from its stored schemaVersion up to
 * CURRENT_SCHEMA_VERSION one step at a time through map. A map rather than a
 * global registry, so two readers (or two tests) never see each other's upcasters.
 */
export const createUpcaster = (map: UpcasterMap): Upcast => {
  for (const key of Object.keys(map)) assertUsableKey(key);
  return (raw) => {
    const type: unknown = raw.type;
    const from: unknown = (raw.metadata as Partial<EventMetadata> | undefined)?.schemaVersion;
    if (!isPlayerEventType(type)) {
      throw new UnreadableEvent('EVENT.UNKNOWN_TYPE', `unknown player event type ${String(type)}`, {
        type: String(type),
      });
    }
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from > CURRENT_SCHEMA_VERSION) {
      throw unsupported(type, from);
    }
    let data = raw.data;
    for (let version = from; version < CURRENT_SCHEMA_VERSION; version += 1) {
      const key = `${type}@${version}` as const;
      const step = Object.hasOwn(map, key) ? map[key] : undefined;
      if (step === undefined) throw unsupported(type, from);
      data = step(data);
    }
    // The map is trusted to produce the current shape of type; checking every field
    // here would duplicate the wire-contract validation in libs/contracts.
    return {
      type,
      data,
      metadata: { ...raw.metadata, schemaVersion: CURRENT_SCHEMA_VERSION },
    } as PlayerEvent;
  };
};

/** Reads stored events; empty until the first schema change needs a step. */
export const upcastPlayerEvent: Upcast = createUpcaster({});

const unsupported = (type: string, schemaVersion: unknown): UnreadableEvent =>
  new UnreadableEvent(
    'EVENT.UNSUPPORTED_SCHEMA',
    `no way to read ${type} at schema version ${String(schemaVersion)} as version ${CURRENT_SCHEMA_VERSION}`,
    {
      type,
      schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : String(schemaVersion),
    },
  );

// A key that can never be used is a typo or a leftover; failing at wiring time beats
// finding out when an old event is replayed.
const assertUsableKey = (key: string): void => {
  const match = /^(.+)@(-?\d+)$/.exec(key);
  const version = Number(match?.[2]);
  if (!match || !isPlayerEventType(match[1]) || version >= CURRENT_SCHEMA_VERSION) {
    throw new TypeError(
      `upcaster key ${key} must be "<PlayerEventType>@<version below ${CURRENT_SCHEMA_VERSION}>"`,
    );
  }
};
