import type { Kafka, Producer } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { exerciseQueries, OpenApiContract, pagedReadsMatch } from '@qf/player-api/testing';
import {
  createProjector,
  prepareProjection,
  projectionTarget,
  type Projector,
} from '@qf/player-read-model';
import { produceEvents } from '@qf/player-read-model/testing';
import { registeredPlayer } from '@qf/player-domain/testing';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { registeredRoutes } from '@qf/shared-observability/http';
import { queryServiceConfig } from './query-service.config';
import { startQueryService, type RunningQueryService } from './query-service';

jest.setTimeout(120_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const PLAYER = '00000000-0000-4000-8000-0000000000f1';

describe('query-service against its OpenAPI document', () => {
  const prefix = `${uniqueName('qoas')}.`;
  const topics = topicNames(prefix);
  const dbName = uniqueName('qf_qoas').replace(/-/g, '_');
  let kafka: Kafka;
  let producer: Producer;
  let mongo: MongoClient;
  let db: Db;
  let projector: Projector;
  let service: RunningQueryService;

  beforeAll(async () => {
    process.env['QF_TOPIC_PREFIX'] = prefix;
    process.env['QF_MONGO_DB'] = dbName;
    kafka = createKafka(uniqueName('qoas'));
    producer = kafka.producer({ idempotent: true });
    mongo = createMongoClient();
    await Promise.all([producer.connect(), mongo.connect()]);
    db = mongo.db(dbName);
    const wiring = {
      kafka,
      db,
      target: projectionTarget('', `${prefix}projector`),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0 },
    };
    await prepareProjection(wiring, 2);
    projector = createProjector(wiring);
    await projector.start();
    service = await startQueryService(
      queryServiceConfig({
        ...process.env,
        QF_HTTP_PORT: '0',
        QF_GRPC_PORT: '0',
        QF_QUERY_CACHE: '0',
      }),
    );
    // PLAYER and seven more in room.hall, with different xp for the leaderboard.
    const moveToHall = {
      type: 'PlayerMoved' as const,
      data: { fromRoom: 'room.start', toRoom: 'room.hall' },
    };
    const others = Array.from(
      { length: 7 },
      (_, index) => `00000000-0000-4000-8000-00000000010${index}`,
    );
    await produceEvents(producer, topics.events, [
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
        expect((await fetch(`${service.url}/players/${id}`)).status).toBe(200);
    });
  });

  afterAll(async () => {
    await service?.close();
    await projector?.stop();
    await db?.dropDatabase().catch(() => undefined);
    await Promise.all([producer?.disconnect(), mongo?.close()]);
  });

  it('documents every route it serves and answers only what the document allows', async () => {
    const api = await OpenApiContract.of(service.url);
    const routes = registeredRoutes(service.app);
    expect(api.undocumented(routes)).toEqual([]);
    expect(api.unserved(routes)).toEqual([]);
    await exerciseQueries(api, PLAYER, 'room.hall');
    expect(api.violations).toEqual([]);
    expect([...api.exercised].sort()).toEqual(api.operationIds().sort());
    await pagedReadsMatch(service.url, 'room.hall', PLAYER);
  });
});
