import { createHash } from 'node:crypto';
import type { RecentCommand } from './player-document';

/**
 * The idempotency horizon beyond the full `recent` entries: every command id a player
 * accepted in the last `horizonMs`, packed 16 bytes each into one binary field (`seen`),
 * oldest first:
 *
 *   bytes 0-7   sha256(commandId), first 8 bytes (a false match among 2,048 ids: ~2^-53)
 *   bytes 8-10  sha256(requestHash), first 3 bytes (tells a reused key from a retry)
 *   byte  11    how many events the command caused (ids `${commandId}:${i}`)
 *   bytes 12-15 decision time, seconds since the epoch
 *
 * A full `recent` entry (the outcome's event bodies as JSON) is ~300 bytes; the Mongo-wire
 * server rewrites the whole document on every update, so fifteen minutes of full entries
 * (450 at 0.5 commands/s per player) would cost far more than 16 bytes each. The outcome
 * of an id found only here is read back from the player's outbox or the audit log.
 */
export const SEEN_ENTRY_BYTES = 16;

/**
 * The default bound of remembered ids per player (QF_IDEMPOTENCY_MAX_PER_PLAYER): 32 KiB.
 * A player past 2,048 commands in the horizon (2.3/s for 15 minutes) keeps a shorter one.
 */
export const DEFAULT_SEEN_LIMIT = 2048;

export interface SeenMatch {
  /** False: the key was used with a different request (422). */
  readonly sameRequest: boolean;
  readonly count: number;
  readonly decidedAtMs: number;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The stored bytes as a Buffer (the driver hands binary fields back as a BSON Binary). */
export const seenBytes = (stored: unknown): Buffer => {
  if (stored === undefined || stored === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(stored)) return stored;
  if (stored instanceof Uint8Array) return Buffer.from(stored);
  const { buffer } = stored as { buffer?: Uint8Array };
  if (buffer instanceof Uint8Array)
    return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  throw new TypeError('player document field seen is not binary');
};

const decidedAtOf = (entry: RecentCommand): number =>
  entry.decidedAt ?? Date.parse(entry.occurredAt);

/** The packed entry of an accepted command. */
export const seenEntryOf = (entry: RecentCommand): Buffer => {
  const out = Buffer.alloc(SEEN_ENTRY_BYTES);
  digest(entry.commandId).copy(out, 0, 0, 8);
  digest(entry.requestHash).copy(out, 8, 0, 3);
  out.writeUInt8(Math.min(255, entry.count), 11);
  out.writeUInt32BE(Math.max(0, Math.floor(decidedAtOf(entry) / 1000)), 12);
  return out;
};

/** The entry of commandId decided within the horizon, newest first. */
export const findSeen = (
  stored: unknown,
  commandId: string,
  requestHash: string,
  notBeforeMs: number,
): SeenMatch | undefined => {
  const bytes = seenBytes(stored);
  if (bytes.length === 0) return undefined;
  const id = digest(commandId);
  const hi = id.readUInt32BE(0);
  const lo = id.readUInt32BE(4);
  for (let at = bytes.length - SEEN_ENTRY_BYTES; at >= 0; at -= SEEN_ENTRY_BYTES) {
    if (bytes.readUInt32BE(at) !== hi || bytes.readUInt32BE(at + 4) !== lo) continue;
    const decidedAtMs = bytes.readUInt32BE(at + 12) * 1000;
    // Seconds are floored when stored: the entry counts until its second has passed.
    if (decidedAtMs + 1000 <= notBeforeMs) return undefined;
    const request = digest(requestHash);
    return {
      sameRequest: request.compare(bytes, at + 8, at + 11, 0, 3) === 0,
      count: bytes.readUInt8(at + 11),
      decidedAtMs,
    };
  }
  return undefined;
};

export interface SeenUpdate {
  /** The new value, or undefined when nothing changed. */
  readonly bytes?: Buffer;
  readonly expired: number;
  /** Dropped before their horizon because of the per-player bound. */
  readonly bounded: number;
}

/**
 * The stored ids plus `evicted` (entries leaving `recent`, oldest first), without the ids
 * older than the horizon, and at most `limit` of them (the oldest go first).
 */
export const appendSeen = (
  stored: unknown,
  evicted: readonly RecentCommand[],
  notBeforeMs: number,
  limit: number,
): SeenUpdate => {
  const old = seenBytes(stored);
  let start = 0;
  while (start < old.length && old.readUInt32BE(start + 12) * 1000 + 1000 <= notBeforeMs)
    start += SEEN_ENTRY_BYTES;
  const expired = start / SEEN_ENTRY_BYTES;
  const fresh = evicted.filter((entry) => decidedAtOf(entry) + 1000 > notBeforeMs);
  if (expired === 0 && fresh.length === 0) return { expired: 0, bounded: 0 };
  const all = Buffer.concat([old.subarray(start), ...fresh.map(seenEntryOf)]);
  const excess = Math.max(0, all.length / SEEN_ENTRY_BYTES - limit);
  return {
    bytes: all.subarray(excess * SEEN_ENTRY_BYTES),
    expired: expired + (evicted.length - fresh.length),
    bounded: excess,
  };
};
