// Bodies are read field by field by the tests.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Page = Record<string, any>;

/** Follows `next` links from firstPath; returns every page body in order (bounded, so a loop cannot hang a test). */
export const walkPages = async (
  baseUrl: string,
  firstPath: string,
  maxPages = 100,
): Promise<Page[]> => {
  const pages: Page[] = [];
  for (let path: string | null = firstPath; path !== null;) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages from ${firstPath}`);
    const response = await fetch(`${baseUrl}${path}`);
    if (response.status !== 200)
      throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as Page;
    pages.push(body);
    path = body['next'] as string | null;
  }
  return pages;
};

const read = async (baseUrl: string, path: string): Promise<Page> =>
  (await fetch(`${baseUrl}${path}`)).json() as Promise<Page>;

/** A history walked two events at a time equals the whole history. */
export const historyPagesMatch = async (baseUrl: string, playerId: string): Promise<void> => {
  const pages = await walkPages(baseUrl, `/players/${playerId}/history?limit=2`);
  const all = await read(baseUrl, `/players/${playerId}/history`);
  expect(pages.length).toBeGreaterThan(1);
  expect(pages.flatMap((page) => page['events'])).toEqual(all['events']);
  expect(all['events'].map((event: { version: number }) => event.version)).toEqual(
    all['events'].map((_: unknown, index: number) => index + 1),
  );
};

/** Paging through the room, the leaderboard (and a history) by next links gives exactly what one big read gives. */
export const pagedReadsMatch = async (
  baseUrl: string,
  room: string,
  playerId: string,
  { history = true }: { history?: boolean } = {},
): Promise<void> => {
  const rooms = await walkPages(baseUrl, `/rooms/${room}/players?limit=3`);
  const whole = await read(baseUrl, `/rooms/${room}/players?limit=1000`);
  expect(rooms.length).toBeGreaterThan(1);
  expect(rooms.slice(0, -1).every((page) => page['players'].length === 3)).toBe(true);
  expect(rooms.flatMap((page) => page['players'])).toEqual(whole['players']);
  expect(whole['next']).toBeNull();

  const boards = await walkPages(baseUrl, '/leaderboard?limit=2');
  const top = await read(baseUrl, '/leaderboard?limit=100');
  expect(boards.length).toBeGreaterThan(1);
  expect(boards.flatMap((page) => page['entries'])).toEqual(top['entries']);
  expect(top['entries'].map((entry: { rank: number }) => entry.rank)).toEqual(
    top['entries'].map((_: unknown, index: number) => index + 1),
  );

  if (history) await historyPagesMatch(baseUrl, playerId);

  const forged = await fetch(`${baseUrl}/rooms/${room}/players?after=bm90LWEtY3Vyc29y`);
  expect(forged.status).toBe(400);
  expect(await forged.json()).toMatchObject({
    code: 'REQUEST.MALFORMED',
    errors: [{ field: 'after' }],
  });
};
