import { MongoClient, type Db } from 'mongodb';
import { decodeEvent } from '@qf/contracts';
import { PLAYER_ID } from '@qf/player-domain/testing';
import { createKafka } from '@qf/shared-kafka';
import { databaseName } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { PlayerRepository } from '../document/player-repository';
import { registrationDocument } from '../testing/registration-document';
import { clearHintWrite, OutboxHintWriter, outboxHintsCollection } from './outbox-hints';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(120_000);

// The relay finds pending outboxes through hints, and its sweep of the players collection
// covers a hint that was never written (a crud-service that stopped between its document
// write and the hint). Real Kafka and Mongo-wire server, own database and topic.
describe('outbox relay with hints', () => {
  const kafka = createKafka('test-outbox-relay');
  const topic = `${uniqueName('relay-hints')}.crud.audit`;
  const dbName = uniqueName('qf_relay_hints').replace(/-/g, '_');
  let client: MongoClient;
  let db: Db;
  let players: PlayerRepository;
  const relays: OutboxRelay[] = [];
  const published: string[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('relay-hints-reader') });

  beforeAll(async () => {
    client = await new MongoClient(process.env['MONGO_URL']!).connect();
    db = client.db(databaseName({ QF_MONGO_DB: dbName }));
    players = new PlayerRepository(db);
    await players.ensureIndexes();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        published.push(decodeEvent(message.value).metadata.eventId);
      },
    });
  });

  afterAll(async () => {
    await Promise.all(relays.map((relay) => relay.stop()));
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  const register = async (suffix: string) => {
    const playerId = `${PLAYER_ID.slice(0, -4)}${suffix}`;
    const { doc, events } = registrationDocument(playerId);
    await players.insert(doc);
    return { playerId, eventIds: events.map((event) => event.metadata.eventId) };
  };

  const startRelay = (sweepIntervalMs: number) => {
    const relay = new OutboxRelay(players, kafka, { topic, sweepIntervalMs });
    relays.push(relay);
    relay.start();
    return relay;
  };

  it('publishes hinted outboxes, sweeps up unhinted ones, clears stale hints', async () => {
    const hints = new OutboxHintWriter(db);
    const hinted = await register('0101');
    hints.mark(hinted.playerId, 1);
    const unhinted = await register('0102');
    await hints.flush();
    // A hint whose player has nothing pending (its entries were published long ago).
    await outboxHintsCollection(db).insertOne({ _id: 'nobody', version: 3, since: new Date(0) });

    startRelay(500);
    await eventually(() =>
      expect([...published].sort()).toEqual([...hinted.eventIds, ...unhinted.eventIds].sort()),
    );
    await eventually(async () => {
      expect(await outboxHintsCollection(db).countDocuments()).toBe(0);
      expect(await players.collection.countDocuments({ outboxSince: { $exists: true } })).toBe(0);
    });
  });

  it('clears a hint only up to the version published', async () => {
    const collection = outboxHintsCollection(db);
    await collection.insertOne({ _id: 'p-later', version: 7, since: new Date() });
    await collection.bulkWrite([clearHintWrite('p-later', 6)]);
    expect(await collection.findOne({ _id: 'p-later' })).toMatchObject({ version: 7 });
    await collection.bulkWrite([clearHintWrite('p-later', 7)]);
    expect(await collection.findOne({ _id: 'p-later' })).toBeNull();
  });
});
