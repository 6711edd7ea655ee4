import type { Db } from 'mongodb';
import { HEADERS, headerString, type TopicNames } from '@qf/contracts';
import {
  createProjector,
  MongoReadModelStore,
  PlayerStateCache,
  prepareProjection,
  projectionTarget,
  Projector,
  ReadModelWriter,
  type ProjectorWiring,
} from '@qf/player-read-model';
import {
  expectedReadModels,
  produceEvents,
  randomHistories,
  readModelSnapshot,
  useProjectionInfra,
} from '@qf/player-read-model/testing';
import { consumerGroupLag } from '@qf/shared-kafka';
import {
  eventually,
  startServiceProcess,
  uniqueName,
  type ServiceProcess,
} from '@qf/shared-testing';

jest.setTimeout(180_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const PARTITIONS = 4;

/** One isolated world per test: its own topics, consumer group and database. */
interface World {
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly db: Db;
  readonly groupId: string;
  readonly wiring: ProjectorWiring;
}

describe('projector on the real Kafka and Mongo-wire server', () => {
  const infra = useProjectionInfra('projector-int');
  const projectors: Projector[] = [];
  const children: ServiceProcess[] = [];

  afterEach(async () => {
    await Promise.all(
      projectors.splice(0).map((projector) => projector.stop().catch(() => undefined)),
    );
    await Promise.all(children.splice(0).map((child) => child.crash()));
  });

  const world = async (
    name: string,
    settings: ProjectorWiring['settings'] = {},
  ): Promise<World> => {
    const { prefix, topics, db } = infra.world(name);
    const groupId = `${prefix}projector`;
    const wiring: ProjectorWiring = {
      kafka: infra.kafka,
      db,
      target: projectionTarget('', groupId),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      stateCacheSize: 10_000,
      settings: {
        lagRefreshMs: 0,
        chunkSize: 100,
        backoff: { initialMs: 50, maxMs: 500 },
        ...settings,
      },
    };
    await prepareProjection(wiring, PARTITIONS);
    return { prefix, topics, db, groupId, wiring };
  };

  const started = async (projector: Projector) => {
    projectors.push(projector);
    await projector.start();
    return projector;
  };

  const snapshot = (w: World) => readModelSnapshot(w.db, w.wiring.target.collections);

  const caughtUp = (w: World, total: number) =>
    eventually(
      async () => {
        const lag = await consumerGroupLag(infra.admin, w.groupId, [w.topics.events], {
          offsetsOnly: true,
        });
        expect(
          lag.reduce((sum, row) => sum + (row.committedOffset ?? 0), 0),
        ).toBeGreaterThanOrEqual(total);
        expect(lag.every((row) => row.offsetLag === 0)).toBe(true);
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );

  it('projects a log on 4 partitions into read models equal to a fold of the log; a replay from offset 0 changes nothing', async () => {
    const w = await world('proj-fold');
    const log = randomHistories({ players: 30, commandsPerPlayer: 25, seed: 11 });
    await produceEvents(infra.producer, w.topics.events, log);
    await started(createProjector(w.wiring));
    await caughtUp(w, log.length);
    const first = await snapshot(w);
    expect(first).toEqual(expectedReadModels(log));

    // Replay: the same group from offset 0 again (a redelivery of everything).
    await projectors.pop()!.stop();
    await infra.admin.resetOffsets({ groupId: w.groupId, topic: w.topics.events, earliest: true });
    await started(createProjector(w.wiring));
    await caughtUp(w, log.length);
    expect(await snapshot(w)).toEqual(first);
  });

  it('a projector killed mid-batch (SIGKILL) and restarted leaves read models equal to a fold of the log', async () => {
    const w = await world('proj-kill');
    const log = randomHistories({ players: 40, commandsPerPlayer: 40, seed: 12 });
    await produceEvents(infra.producer, w.topics.events, log);
    const child = await startServiceProcess({
      name: `${w.prefix}projector`,
      entry: 'apps/projector/src/main.ts',
      env: {
        QF_TOPIC_PREFIX: w.prefix,
        QF_MONGO_DB: w.db.databaseName,
        QF_PROJECTOR_CHUNK: '10',
        QF_PROJECTOR_CONCURRENCY: '1',
        QF_PROJECTOR_CACHE: '0',
        QF_LAG_REFRESH_MS: '0',
        QF_LOG_LEVEL: 'error',
      },
      // Listening is enough: the kill below must land while it is still projecting.
      readyWhen: 'listening',
    });
    children.push(child);
    const events = w.db.collection(w.wiring.target.collections.playerEvents);
    // Kill it while it is part-way: some chunks applied and committed, one maybe half-written.
    await eventually(
      async () => expect(await events.countDocuments()).toBeGreaterThan(log.length / 5),
      { timeoutMs: 120_000, intervalMs: 50 },
    );
    await child.crash();
    const applied = await events.countDocuments();
    expect(applied).toBeLessThan(log.length);

    await started(createProjector(w.wiring));
    await caughtUp(w, log.length);
    expect(await snapshot(w)).toEqual(expectedReadModels(log));
  });

  it('two projectors in one group share the partitions and together produce the read models of one', async () => {
    const w = await world('proj-pair');
    const a = await started(createProjector(w.wiring));
    const b = await started(createProjector(w.wiring));
    await eventually(() => {
      const owned = [a, b].map((projector) => projector.partitions()[w.topics.events] ?? []);
      expect(owned.every((partitions) => partitions.length > 0)).toBe(true);
      expect(owned.flat().sort()).toEqual([0, 1, 2, 3]);
    });
    const log = randomHistories({ players: 40, commandsPerPlayer: 25, seed: 13 });
    await produceEvents(infra.producer, w.topics.events, log);
    await caughtUp(w, log.length);
    expect(await snapshot(w)).toEqual(expectedReadModels(log));
  });

  it('dead-letters poison records (not an event, unknown type) with the error, and the partition moves on', async () => {
    const w = await world('proj-poison');
    const log = randomHistories({ players: 5, commandsPerPlayer: 10, seed: 14 });
    const victim = log[0]!.metadata.aggregateId;
    await produceEvents(infra.producer, w.topics.events, log.slice(0, 20));
    await infra.producer.send({
      topic: w.topics.events,
      messages: [
        { key: victim, value: 'not json {' },
        {
          key: victim,
          value: JSON.stringify({
            type: 'Teleported',
            data: {},
            metadata: { ...log[0]!.metadata, version: 999 },
          }),
        },
      ],
    });
    await produceEvents(infra.producer, w.topics.events, log.slice(20));
    await started(createProjector(w.wiring));
    await caughtUp(w, log.length + 2);
    expect(await snapshot(w)).toEqual(expectedReadModels(log));

    const letters: Array<{
      value: string;
      error: Record<string, unknown>;
      source: string | undefined;
    }> = [];
    const reader = infra.kafka.consumer({ groupId: uniqueName('dlq-reader') });
    await reader.connect();
    await reader.subscribe({ topic: w.topics.eventsDeadLetter, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        letters.push({
          value: message.value?.toString() ?? '',
          error: JSON.parse(headerString(message.headers, HEADERS.error) ?? '{}'),
          source: headerString(message.headers, HEADERS.sourceTopic),
        });
      },
    });
    try {
      await eventually(() => expect(letters).toHaveLength(2));
    } finally {
      await reader.disconnect();
    }
    expect(letters.map(({ error }) => error['code']).sort()).toEqual([
      'EVENT.MALFORMED',
      'EVENT.UNKNOWN_TYPE',
    ]);
    expect(letters.every(({ source }) => source === w.topics.events)).toBe(true);
  });

  it('Mongo down: the projector pauses with backoff, commits nothing, and resumes without loss', async () => {
    const w = await world('proj-outage');
    const log = randomHistories({ players: 10, commandsPerPlayer: 20, seed: 15 });
    await produceEvents(infra.producer, w.topics.events, log);
    // The store fails like an unreachable server until the outage is over.
    let down = true;
    let failures = 0;
    const real = new MongoReadModelStore(w.db, w.wiring.target.collections);
    const outage =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        if (down) {
          failures += 1;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), {
            name: 'MongoNetworkError',
          });
        }
        return call(...args);
      };
    const store = {
      loadPlayerDetails: outage(real.loadPlayerDetails.bind(real)),
      writePlayerDetails: outage(real.writePlayerDetails.bind(real)),
      writeDerivedViews: outage(real.writeDerivedViews.bind(real)),
    };
    await started(
      new Projector({
        kafka: infra.kafka,
        topic: w.topics.events,
        deadLetterTopic: w.topics.eventsDeadLetter,
        groupId: w.groupId,
        writer: new ReadModelWriter(store, new PlayerStateCache(1000)),
        settings: { lagRefreshMs: 0, backoff: { initialMs: 50, maxMs: 300 } },
      }),
    );
    await eventually(() => expect(failures).toBeGreaterThan(5));
    const during = await consumerGroupLag(infra.admin, w.groupId, [w.topics.events], {
      offsetsOnly: true,
    });
    expect(during.every((row) => row.committedOffset === null)).toBe(true);
    down = false;
    await caughtUp(w, log.length);
    expect(await snapshot(w)).toEqual(expectedReadModels(log));
  });
});
