import { exerciseQueries, OpenApiContract, pagedReadsMatch } from '@qf/player-api/testing';
import { produceEvents } from '@qf/player-read-model/testing';
import { registeredPlayer } from '@qf/player-domain/testing';
import { eventually } from '@qf/shared-testing';
import { registeredRoutes } from '@qf/shared-observability/http';
import { useServedReadModels } from './testing/served-read-models';

jest.setTimeout(120_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const PLAYER = '00000000-0000-4000-8000-0000000000f1';

describe('query-service against its OpenAPI document', () => {
  const served = useServedReadModels('qoas', {
    partitions: 2,
    serviceEnv: { QF_QUERY_CACHE: '0' },
  });

  beforeAll(async () => {
    // PLAYER and seven more in room.hall, with different xp for the leaderboard.
    const moveToHall = {
      type: 'PlayerMoved' as const,
      data: { fromRoom: 'room.start', toRoom: 'room.hall' },
    };
    const others = Array.from(
      { length: 7 },
      (_, index) => `00000000-0000-4000-8000-00000000010${index}`,
    );
    await produceEvents(served.producer, served.topics.events, [
      ...registeredPlayer(
        PLAYER,
        moveToHall,
        { type: 'ExperienceGained', data: { amount: 5, xp: 5 } },
        { type: 'ItemPickedUp', data: { itemId: 'item.key', qty: 1 } },
      ),
      ...others.flatMap((id, index) =>
        registeredPlayer(id, moveToHall, {
          type: 'ExperienceGained',
          data: { amount: index + 1, xp: index + 1 },
        }),
      ),
    ]);
    await eventually(async () => {
      for (const id of [PLAYER, ...others])
        expect((await fetch(`${served.service.url}/players/${id}`)).status).toBe(200);
    });
  });

  it('documents every route it serves and answers only what the document allows', async () => {
    const api = await OpenApiContract.of(served.service.url);
    const routes = registeredRoutes(served.service.app);
    expect(api.undocumented(routes)).toEqual([]);
    expect(api.unserved(routes)).toEqual([]);
    await exerciseQueries(api, PLAYER, 'room.hall');
    expect(api.violations).toEqual([]);
    expect([...api.exercised].sort()).toEqual(api.operationIds().sort());
    await pagedReadsMatch(served.service.url, 'room.hall', PLAYER);
  });
});
