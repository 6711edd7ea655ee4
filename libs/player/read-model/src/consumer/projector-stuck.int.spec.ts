import type { Admin, Kafka, Producer } from 'kafkajs';
import { MongoClient, type Db } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { expectedReadModels, produceEvents, randomHistories, readModelSnapshot } from '../testing';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { HealthChecks } from '@qf/shared-observability';
import { eventually, TcpProxy, uniqueName } from '@qf/shared-testing';
import { createProjector, prepareProjection, type ProjectorWiring } from './projector.factory';
import { projectionTarget } from '../projection/projection-target';

jest.setTimeout(120_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

/**
 * The projector retries a partition whose database writes fail, holding it uncommitted
 * (nothing lost), and says so: past the stuck threshold its readiness is degraded with the
 * partition and the error. The database is cut off by a real broken connection.
 */
describe('a projector whose database goes away', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let mongo: MongoClient;
  let proxied: MongoClient;
  let proxy: TcpProxy;
  let db: Db;

  beforeAll(async () => {
    kafka = createKafka(uniqueName('projector-stuck'));
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    mongo = createMongoClient();
    await Promise.all([admin.connect(), producer.connect(), mongo.connect()]);
    const target = new URL(process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017');
    proxy = await new TcpProxy(target.hostname, Number(target.port || 27017)).start();
    proxied = new MongoClient(`mongodb://127.0.0.1:${proxy.port}`, {
      serverSelectionTimeoutMS: 500,
      connectTimeoutMS: 500,
      socketTimeoutMS: 2000,
    });
    // Connected before the cut, as a running service is.
    await proxied.connect();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await proxied?.close().catch(() => undefined);
    await proxy?.stop();
    await Promise.all([admin?.disconnect(), producer?.disconnect(), mongo?.close()]);
  });

  it('reports the partition stuck (readiness degraded, with the reason) and catches up once the database is back', async () => {
    const prefix = `${uniqueName('stuck')}.`;
    const topics = topicNames(prefix);
    const dbName = uniqueName('qf_stuck').replace(/[-.]/g, '_');
    db = mongo.db(dbName);
    const wiring: ProjectorWiring = {
      kafka,
      db: proxied.db(dbName),
      target: projectionTarget('', `${prefix}projector`),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0, stuckAfterMs: 500, backoff: { initialMs: 50, maxMs: 300 } },
    };
    await prepareProjection({ ...wiring, db }, 2);
    const projector = createProjector(wiring);
    const health = new HealthChecks();
    health.register('kafka', async () => projector.health());
    health.registerDegradation('partitions', () => projector.stuckPartitions());
    await projector.start();
    try {
      proxy.cut();
      const log = randomHistories({ players: 20, commandsPerPlayer: 10, seed: 5 });
      await produceEvents(producer, topics.events, log);

      const report = await eventually(
        async () => {
          const ready = await health.readiness();
          expect(ready.status).toBe('degraded');
          return ready;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(report.reasons.join('\n')).toMatch(
        new RegExp(
          `partitions: ${topics.events.replace(/\./g, '\\.')}\\[\\d\\] failing for \\d+ s \\(\\d+ attempts\\)`,
        ),
      );

      proxy.restore();
      await eventually(
        async () =>
          expect(await readModelSnapshot(db, wiring.target.collections)).toEqual(
            expectedReadModels(log),
          ),
        { timeoutMs: 60_000, intervalMs: 300 },
      );
      expect(projector.stuckPartitions()).toEqual([]);
      expect((await health.readiness()).status).toBe('ok');
    } finally {
      proxy.restore();
      await projector.stop();
      await admin
        .deleteTopics({ topics: [topics.events, topics.eventsDeadLetter] })
        .catch(() => undefined);
    }
  });
});
