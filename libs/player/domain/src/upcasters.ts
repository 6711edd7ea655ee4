import { UnreadableEvent } from './errors/unreadable-event.error';
import type { EventMetadata } from './events/event-metadata';
import { isPlayerEventType, type PlayerEvent, type PlayerEventType } from './events/player.events';
import { upcastPlayerRegisteredV1 } from './schema/player-registered.v1';
import { EVENT_SCHEMA_VERSIONS } from './schema/schema-versions';

/** An event as read from the store: any type, any schema version. */
export interface RawPlayerEvent {
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

/** Turns the data of one schema version into the data of the next. */
export type DataUpcaster = (data: unknown) => unknown;

/** Upcasters keyed by `${type}@${fromSchemaVersion}`: each lifts data one version up. */
export type UpcasterMap = Readonly<Partial<Record<`${PlayerEventType}@${number}`, DataUpcaster>>>;

/** Reads a stored event as the current PlayerEvent, or throws UnreadableEvent. */
export type Upcast = (raw: RawPlayerEvent) => PlayerEvent;

/** The schema version each type is read at (EVENT_SCHEMA_VERSIONS, or another table in tests). */
export type SchemaVersions = Readonly<Record<PlayerEventType, number>>;

/**
 * An upcast that walks data from its stored schemaVersion up to the type's current
 * version one step at a time through map. A map rather than a global registry, so two
 * readers (or two tests) never see each other's upcasters.
 */
export const createUpcaster = (
  map: UpcasterMap,
  versions: SchemaVersions = EVENT_SCHEMA_VERSIONS,
): Upcast => {
  for (const key of Object.keys(map)) assertUsableKey(key, versions);
  return (raw) => {
    const type: unknown = raw.type;
    const from: unknown = (raw.metadata as Partial<EventMetadata> | undefined)?.schemaVersion;
    if (!isPlayerEventType(type)) {
      throw new UnreadableEvent('EVENT.UNKNOWN_TYPE', `unknown player event type ${String(type)}`, {
        type: String(type),
      });
    }
    const current = versions[type];
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from > current) {
      throw unsupported(type, from, current);
    }
    if (from === current) return raw as PlayerEvent;
    let data = raw.data;
    for (let version = from; version < current; version += 1) {
      const key = `${type}@${version}` as const;
      const step = Object.hasOwn(map, key) ? map[key] : undefined;
      if (step === undefined) throw unsupported(type, from, current);
      data = step(data);
    }
    // The map is trusted to produce the current shape of type; checking every field
    // here would duplicate the wire-contract validation in libs/contracts.
    return {
      type,
      data,
      metadata: { ...raw.metadata, schemaVersion: current },
    } as PlayerEvent;
  };
};

const unsupported = (type: string, schemaVersion: unknown, current: number): UnreadableEvent =>
  new UnreadableEvent(
    'EVENT.UNSUPPORTED_SCHEMA',
    `no way to read ${type} at schema version ${String(schemaVersion)} as version ${current}`,
    {
      type,
      schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : String(schemaVersion),
    },
  );

// A key that can never be used is a typo or a leftover; failing at wiring time beats
// finding out when an old event is replayed.
const assertUsableKey = (key: string, versions: SchemaVersions): void => {
  const match = /^(.+)@(-?\d+)$/.exec(key);
  const version = Number(match?.[2]);
  if (!match || !isPlayerEventType(match[1]) || version >= versions[match[1]]) {
    throw new TypeError(
      `upcaster key ${key} must be "<PlayerEventType>@<version below the type's current one>"`,
    );
  }
};

/** Every step the fleet knows, oldest first per type. Never remove one: the log keeps old events forever. */
export const PLAYER_UPCASTERS: UpcasterMap = Object.freeze({
  'PlayerRegistered@1': upcastPlayerRegisteredV1,
});

/** Reads stored events of any known schema version as the current PlayerEvent. */
export const upcastPlayerEvent: Upcast = createUpcaster(PLAYER_UPCASTERS);
