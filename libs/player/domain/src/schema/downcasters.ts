import { isPlayerEventType, type PlayerEvent, type PlayerEventType } from '../events/player.events';
import type { RawPlayerEvent } from '../upcasters';
import { downcastPlayerRegisteredV2 } from './player-registered.v1';
import { EVENT_SCHEMA_VERSIONS } from './schema-versions';

/** Turns the data of one schema version into the data of the version below. */
export type DataDowncaster = (data: never) => unknown;

/** Downcasters keyed by `${type}@${toSchemaVersion}`: each takes data one version down. */
export type DowncasterMap = Readonly<
  Partial<Record<`${PlayerEventType}@${number}`, DataDowncaster>>
>;

/** The schema version to write per type, where it is not the current one. */
export type WriteSchemas = Readonly<Partial<Record<PlayerEventType, number>>>;

/**
 * Every step down the fleet can write. A step exists only while a release that reads
 * nothing newer may still run: it is how a new build writes for old readers during a
 * rolling upgrade (QF_EVENT_WRITE_SCHEMAS), not a second format to keep forever.
 */
export const PLAYER_DOWNCASTERS: DowncasterMap = Object.freeze({
  'PlayerRegistered@1': downcastPlayerRegisteredV2 as DataDowncaster,
});

/** Thrown when a requested write schema cannot be produced; the message says what is possible. */
export class UnwritableSchemaError extends TypeError {}

/** Checks that every requested version is reachable from the current one through map. */
export const assertWritable = (
  write: WriteSchemas,
  map: DowncasterMap = PLAYER_DOWNCASTERS,
): void => {
  for (const [type, target] of Object.entries(write) as Array<[PlayerEventType, number]>) {
    const current = EVENT_SCHEMA_VERSIONS[type];
    if (!Number.isSafeInteger(target) || target < 1 || target > current) {
      throw new UnwritableSchemaError(
        `${type} can be written at schema versions 1..${current}, not ${target}`,
      );
    }
    for (let version = current - 1; version >= target; version -= 1) {
      if (!Object.hasOwn(map, `${type}@${version}`)) {
        throw new UnwritableSchemaError(
          `${type} has no downcaster to schema version ${version}: it cannot be written at ${target}`,
        );
      }
    }
  }
};

/**
 * Parses QF_EVENT_WRITE_SCHEMAS: `PlayerRegistered@1` (comma-separated, empty = write
 * every type at its current version). Throws UnwritableSchemaError naming the entry.
 */
export const parseWriteSchemas = (
  spec: string,
  map: DowncasterMap = PLAYER_DOWNCASTERS,
): WriteSchemas => {
  const write: Partial<Record<PlayerEventType, number>> = {};
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z]+)@(\d+)$/.exec(entry);
    if (!match || !isPlayerEventType(match[1])) {
      throw new UnwritableSchemaError(
        `QF_EVENT_WRITE_SCHEMAS entry "${entry}" must be <PlayerEventType>@<version>`,
      );
    }
    write[match[1]] = Number(match[2]);
  }
  assertWritable(write, map);
  return write;
};

/**
 * The stored form of event under write: the current event when its type is not listed,
 * else its data walked down to the listed version. Pure: the caller passes what it was
 * configured with (call assertWritable once when configuring).
 */
export const downcastPlayerEvent = (
  event: PlayerEvent,
  write: WriteSchemas,
  map: DowncasterMap = PLAYER_DOWNCASTERS,
): RawPlayerEvent => {
  const target = write[event.type];
  const current = event.metadata.schemaVersion;
  if (target === undefined || target >= current) return event;
  let data: unknown = event.data;
  for (let version = current - 1; version >= target; version -= 1) {
    const step = map[`${event.type}@${version}`];
    if (!step)
      throw new UnwritableSchemaError(
        `${event.type} has no downcaster to schema version ${version}`,
      );
    data = step(data as never);
  }
  return { type: event.type, data, metadata: { ...event.metadata, schemaVersion: target } };
};
