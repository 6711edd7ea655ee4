import { ApiError } from './api-error';
import {
  decodeCursor,
  encodeCursor,
  LEADERBOARD_CURSOR,
  leaderboardNextLink,
  pageOf,
  roomNextLink,
  ROOM_CURSOR,
} from './pagination';

describe('cursor pagination', () => {
  it('round-trips cursors and refuses one it did not make, naming the parameter', () => {
    const position = { level: 3, xp: 120, playerId: 'p-1', rank: 20 };
    expect(decodeCursor(encodeCursor(position), LEADERBOARD_CURSOR)).toEqual(position);
    for (const forged of [
      'not-base64!',
      encodeCursor({ playerId: 7 }),
      Buffer.from('[]').toString('base64url'),
    ]) {
      expect(() => decodeCursor(forged, ROOM_CURSOR)).toThrow(ApiError);
    }
  });

  it('gives a next link only when the read found more than a page', () => {
    expect(pageOf([1, 2, 3], 3, String)).toEqual({ items: [1, 2, 3], next: null });
    expect(pageOf([1, 2, 3, 4], 3, (last) => `after ${last}`)).toEqual({
      items: [1, 2, 3],
      next: 'after 3',
    });
  });

  it('builds links that keep the limit and continue after the last item', () => {
    const room = new URL(roomNextLink('hall', 50, 'p-9'), 'http://x');
    expect(room.pathname).toBe('/rooms/hall/players');
    expect(room.searchParams.get('limit')).toBe('50');
    expect(decodeCursor(room.searchParams.get('after')!, ROOM_CURSOR)).toEqual({ playerId: 'p-9' });
    const board = new URL(
      leaderboardNextLink(10, { level: 2, xp: 5, playerId: 'p', rank: 10 }),
      'http://x',
    );
    expect(decodeCursor(board.searchParams.get('after')!, LEADERBOARD_CURSOR)).toEqual({
      level: 2,
      xp: 5,
      playerId: 'p',
      rank: 10,
    });
  });
});
