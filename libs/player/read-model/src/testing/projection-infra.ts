import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { topicNames, type TopicNames } from '@qf/contracts';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { uniqueName } from '@qf/shared-testing';

/** One isolated world of a test: its own topic prefix (and so topics and groups) and database. */
export interface IsolatedWorld {
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly db: Db;
}

/** The real Kafka and Mongo-wire server of a projection suite, connected for its tests. */
export interface ProjectionInfra {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** Idempotent, as the processor's producer: what it produces lands once. */
  readonly producer: Producer;
  readonly mongo: MongoClient;
  /** A new world: a unique prefix from name, its topic names, a database dropped after the suite. */
  world(name: string): IsolatedWorld;
  /**
   * Runs step in the suite's afterAll before the databases are dropped and the clients
   * disconnect (steps in reverse order): stop what writes to them, delete topics.
   */
  beforeTeardown(step: () => Promise<unknown>): void;
}

/**
 * Connects a Kafka admin and producer (client id from clientName) and a Mongo client in the
 * enclosing describe's beforeAll; its afterAll runs the beforeTeardown steps, drops the
 * worlds' databases and disconnects.
 * The clients exist from beforeAll on: read them inside hooks and tests.
 */
export const useProjectionInfra = (clientName: string): ProjectionInfra => {
  let clients: { kafka: Kafka; admin: Admin; producer: Producer; mongo: MongoClient } | undefined;
  const databases: Db[] = [];
  const teardown: Array<() => Promise<unknown>> = [];
  const connected = () => {
    if (!clients) throw new Error('useProjectionInfra: the clients exist from beforeAll on');
    return clients;
  };
  beforeAll(async () => {
    const kafka = createKafka(uniqueName(clientName));
    clients = {
      kafka,
      admin: kafka.admin(),
      producer: kafka.producer({ idempotent: true }),
      mongo: createMongoClient(),
    };
    await Promise.all([
      clients.admin.connect(),
      clients.producer.connect(),
      clients.mongo.connect(),
    ]);
  });
  afterAll(async () => {
    for (const step of teardown.splice(0).reverse()) await step();
    await Promise.all(databases.map((db) => db.dropDatabase().catch(() => undefined)));
    await Promise.all([
      clients?.admin.disconnect(),
      clients?.producer.disconnect(),
      clients?.mongo.close(),
    ]);
  });
  return {
    get kafka() {
      return connected().kafka;
    },
    get admin() {
      return connected().admin;
    },
    get producer() {
      return connected().producer;
    },
    get mongo() {
      return connected().mongo;
    },
    world: (name) => {
      const prefix = `${uniqueName(name)}.`;
      const db = connected().mongo.db(uniqueName(`qf_${name}`).replace(/[-.]/g, '_'));
      databases.push(db);
      return { prefix, topics: topicNames(prefix), db };
    },
    beforeTeardown: (step) => {
      teardown.push(step);
    },
  };
};
