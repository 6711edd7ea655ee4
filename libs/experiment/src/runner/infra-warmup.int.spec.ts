import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';
import { warmUpInfrastructure } from './infra-warmup';

describe('warming up the infrastructure before the first cell', () => {
  it('runs transactions and bulk writes for the time asked, then removes its topic and database', async () => {
    const kafka = createKafka(uniqueName('warmup'), {
      retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
    });
    const mongo = await createMongoClient().connect();
    const topic = uniqueName('warmup-topic');
    const dbName = uniqueName('warmup_db').replace(/-/g, '_');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const began = Date.now();
      const result = await warmUpInfrastructure({ kafka, db: mongo.db(dbName), topic, seconds: 2 });
      expect(Date.now() - began).toBeGreaterThanOrEqual(2000);
      expect(result.transactions).toBeGreaterThan(0);
      expect(result.documents).toBeGreaterThan(0);
      expect(await admin.listTopics()).not.toContain(topic);
      const { databases } = await mongo.db('admin').admin().listDatabases();
      expect(databases.map((database) => database.name)).not.toContain(dbName);
    } finally {
      await admin.disconnect();
      await mongo.close();
    }
  });

  it('stops early when the run is interrupted', async () => {
    const kafka = createKafka(uniqueName('warmup'));
    const mongo = await createMongoClient().connect();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    try {
      const began = Date.now();
      await warmUpInfrastructure({
        kafka,
        db: mongo.db(uniqueName('warmup_db').replace(/-/g, '_')),
        topic: uniqueName('warmup-topic'),
        seconds: 60,
        signal: controller.signal,
      });
      expect(Date.now() - began).toBeLessThan(30_000);
    } finally {
      await mongo.close();
    }
  });
});
