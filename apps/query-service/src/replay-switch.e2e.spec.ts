import type { Kafka, Producer } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import {
  createProjector,
  playerViewFromState,
  prepareProjection,
  projectionTarget,
  ViewAliases,
  type Projector,
  type ProjectorWiring,
} from '@qf/player-read-model';
import { foldLog, produceEvents, randomHistories } from '@qf/player-read-model/testing';
import { parseReplayTarget, runReplay } from '@qf/replay';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { queryServiceConfig } from './query-service.config';
import { startQueryService, type RunningQueryService } from './query-service';

jest.setTimeout(240_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

// `qf replay all` while the query service serves: every query keeps answering the whole
// read model during the rebuild, and after the switch (the old generation dropped) the
// answers come from the new one, which the live projector then keeps up to date.
describe('query-service across a replay (blue-green switch of the view aliases)', () => {
  const prefix = `${uniqueName('qsvc-replay')}.`;
  const topics = topicNames(prefix);
  const dbName = uniqueName('qf_qsvc_replay').replace(/-/g, '_');
  let kafka: Kafka;
  let producer: Producer;
  let mongo: MongoClient;
  let db: Db;
  let projector: Projector;
  let service: RunningQueryService;
  const log = randomHistories({ players: 40, commandsPerPlayer: 50, seed: 41 });
  const [first, later] = [log.slice(0, 1600), log.slice(1600)];

  const get = async (path: string) => {
    const response = await fetch(`${service.url}${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };

  beforeAll(async () => {
    process.env['QF_TOPIC_PREFIX'] = prefix;
    process.env['QF_MONGO_DB'] = dbName;
    kafka = createKafka(uniqueName('qsvc-replay'));
    producer = kafka.producer({ idempotent: true });
    mongo = createMongoClient();
    await Promise.all([producer.connect(), mongo.connect()]);
    db = mongo.db(dbName);
    const target = projectionTarget('', `${prefix}projector`);
    const wiring: ProjectorWiring = {
      kafka,
      db,
      target,
      aliases: new ViewAliases(db, 200, target.collections),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0 },
    };
    await prepareProjection(wiring, 4);
    projector = createProjector(wiring);
    await projector.start();
    // No Redis: every answer comes from the collection the alias names.
    service = await startQueryService(
      queryServiceConfig({
        ...process.env,
        QF_HTTP_PORT: '0',
        QF_GRPC_PORT: '0',
        QF_QUERY_CACHE: '0',
        QF_VIEW_ALIAS_REFRESH_MS: '200',
      }),
    );
  });

  afterAll(async () => {
    await service?.close();
    await projector?.stop();
    await db?.dropDatabase().catch(() => undefined);
    await Promise.all([producer?.disconnect(), mongo?.close()]);
  });

  it('answers every query in full during the rebuild, follows the switch, and sees later events in the new generation', async () => {
    await produceEvents(producer, topics.events, first);
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
      { kafka, db },
      {
        target: parseReplayTarget('all'),
        prefix,
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

    // The live projector follows the aliases: later events reach the queries through v2.
    await produceEvents(producer, topics.events, later);
    const after = foldLog(log);
    await eventually(async () => {
      for (const id of ids)
        expect((await get(`/players/${id}`)).body).toEqual(playerViewFromState(after.get(id)!));
    });
    const names = (await db.listCollections().toArray()).map((collection) => collection.name);
    expect(names).not.toContain('player_details');
    expect(await db.collection('player_details_v2').countDocuments()).toBe(after.size);
  });
});
