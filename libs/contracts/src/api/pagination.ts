import { malformedRequest } from './api-error';

/**
 * Cursor pagination: a page answers at most `limit` items and, when there are more, a
 * `next` link (a relative URL with the same limit and an opaque `after` cursor) that
 * continues right after the last item: keyset pagination, so a page never skips or
 * repeats an item that did not move between the two reads.
 */
export const encodeCursor = (position: Record<string, string | number>): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/** Reads an `after` cursor; a cursor this code did not make is a 400 naming the parameter. */
export const decodeCursor = <T extends Record<string, string | number>>(
  cursor: string,
  fields: Readonly<Record<keyof T, 'string' | 'number'>>,
): T => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const valid =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.entries(fields).every(
      ([name, type]) => typeof (parsed as Record<string, unknown>)[name] === type,
    );
  if (!valid)
    throw malformedRequest('invalid query string', [
      { field: 'after', message: 'not a cursor from a next link' },
    ]);
  return parsed as T;
};

/** `path?limit=..&after=..` (or another parameter set), for a `next` link. */
export const pageLink = (path: string, params: Readonly<Record<string, string | number>>): string =>
  `${path}?${new URLSearchParams(Object.entries(params).map(([name, value]): [string, string] => [name, String(value)])).toString()}`;

/** Where room occupancy goes on: after this player id. */
export type RoomCursor = { readonly playerId: string };
export const ROOM_CURSOR = { playerId: 'string' } as const;

/** Where the leaderboard goes on: after this (level, xp, player id), at this rank. */
export type LeaderboardCursor = {
  readonly level: number;
  readonly xp: number;
  readonly playerId: string;
  readonly rank: number;
};
export const LEADERBOARD_CURSOR = {
  level: 'number',
  xp: 'number',
  playerId: 'string',
  rank: 'number',
} as const;

/** Page sizes when a request gives no limit. */
export const DEFAULT_PAGE_SIZES = { roomPlayers: 100, leaderboard: 10, history: 1000 } as const;

/** Items read with limit + 1: the first limit, and the next link when the extra one exists. */
export const pageOf = <T>(
  read: readonly T[],
  limit: number,
  nextAfter: (last: T) => string,
): { items: T[]; next: string | null } => {
  const items = read.slice(0, limit);
  const last = items.at(-1);
  return { items, next: read.length > limit && last !== undefined ? nextAfter(last) : null };
};

/** The Mongo filter that continues a leaderboard (level desc, xp desc, _id asc) after cursor. */
export const afterLeaderboardPosition = (cursor: LeaderboardCursor): Record<string, unknown> => ({
  $or: [
    { level: { $lt: cursor.level } },
    { level: cursor.level, xp: { $lt: cursor.xp } },
    { level: cursor.level, xp: cursor.xp, _id: { $gt: cursor.playerId } },
  ],
});

/** The next link of a room page. */
export const roomNextLink = (roomId: string, limit: number, lastPlayerId: string): string =>
  pageLink(`/rooms/${roomId}/players`, { limit, after: encodeCursor({ playerId: lastPlayerId }) });

/** The next link of a leaderboard page. */
export const leaderboardNextLink = (
  limit: number,
  last: { level: number; xp: number; playerId: string; rank: number },
): string => {
  const cursor: LeaderboardCursor = {
    level: last.level,
    xp: last.xp,
    playerId: last.playerId,
    rank: last.rank,
  };
  return pageLink('/leaderboard', { limit, after: encodeCursor(cursor) });
};

/** The next link of a history page: the version after the last one. */
export const historyNextLink = (playerId: string, limit: number, lastVersion: number): string =>
  pageLink(`/players/${playerId}/history`, { fromVersion: lastVersion + 1, limit });
