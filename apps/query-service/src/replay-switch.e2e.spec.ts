import { playerViewFromState } from '@qf/player-read-model';
import { foldLog, produceEvents, randomHistories } from '@qf/player-read-model/testing';
import { parseReplayTarget, runReplay } from '@qf/replay';
import { eventually } from '@qf/shared-testing';
import { useServedReadModels } from './testing/served-read-models';

jest.setTimeout(240_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

// `qf replay all` while the query service serves: every query keeps answering the whole
// read model during the rebuild, and after the switch (the old generation dropped) the
// answers come from the new one, which the live projector then keeps up to date.
describe('query-service across a replay (blue-green switch of the view aliases)', () => {
  const served = useServedReadModels('qsvc-replay', {
    partitions: 4,
    aliases: true,
    // No Redis: every answer comes from the collection the alias names.
    serviceEnv: { QF_QUERY_CACHE: '0', QF_VIEW_ALIAS_REFRESH_MS: '200' },
  });
  const log = randomHistories({ players: 40, commandsPerPlayer: 50, seed: 41 });
  const [first, later] = [log.slice(0, 1600), log.slice(1600)];

  const get = async (path: string) => {
    const response = await fetch(`${served.service.url}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('answers every query in full during the rebuild, follows the switch, and sees later events in the new generation', async () => {
    await produceEvents(served.producer, served.topics.events, first);
    const states = foldLog(first);
    const ids = [...states.keys()].slice(0, 5);
    const rooms = [...new Set([...states.values()].map((state) => state.roomId))].slice(0, 3);
    const paths = [
      ...ids.map((id) => `/players/${id}`),
      ...ids.map((id) => `/players/${id}/history`),
      ...rooms.map((room) => `/rooms/${room}/players`),
      '/leaderboard?limit=10',
    ];
    await eventually(async () => {
      for (const [id, state] of states)
        expect((await get(`/players/${id}`)).body).toEqual(playerViewFromState(state));
    });
    const baseline = new Map<string, unknown>();
    for (const path of paths) baseline.set(path, (await get(path)).body);

    let rounds = 0;
    let stop = false;
    const mismatches: string[] = [];
    const reader = (async () => {
      while (!stop) {
        for (const path of paths) {
          const { status, body } = await get(path);
          if (status !== 200 || JSON.stringify(body) !== JSON.stringify(baseline.get(path)))
            mismatches.push(`${path}: ${status} ${JSON.stringify(body).slice(0, 120)}`);
        }
        rounds += 1;
      }
    })();
    const outcome = await runReplay(
      { kafka: served.kafka, db: served.db },
      {
        target: parseReplayTarget('all'),
        prefix: served.prefix,
        replicas: 1,
        graceSeconds: 1,
        keepOld: false,
        maxLag: 0,
        pollMs: 200,
        settings: { flushEvents: 20 },
      },
    );
    const roundsDuring = rounds;
    // A few more rounds after the old generation is gone: only the new one can answer them.
    await eventually(() => expect(rounds).toBeGreaterThan(roundsDuring + 3));
    stop = true;
    await reader;

    expect(outcome).toMatchObject({
      id: 'all@v2',
      status: 'dropped',
      dropped: ['player_details', 'room_occupancy', 'leaderboard', 'player_events'],
    });
    expect(roundsDuring).toBeGreaterThan(3);
    expect(mismatches).toEqual([]);

    // The live served.projector follows the aliases: later events reach the queries through v2.
    await produceEvents(served.producer, served.topics.events, later);
    const after = foldLog(log);
    await eventually(async () => {
      for (const id of ids)
        expect((await get(`/players/${id}`)).body).toEqual(playerViewFromState(after.get(id)!));
    });
    const names = (await served.db.listCollections().toArray()).map(
      (collection) => collection.name,
    );
    expect(names).not.toContain('player_details');
    expect(await served.db.collection('player_details_v2').countDocuments()).toBe(after.size);
  });
});
