import { MongoClient, type Db } from 'mongodb';
import { decodeEvent } from '@qf/player-wire';
import { PLAYER_ID } from '@qf/player-domain/testing';
import { createKafka } from '@qf/shared-kafka';
import { databaseName } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { PlayerRepository } from '../document/player-repository';
import { registrationDocument } from '../testing/registration-document';
import { OutboxRelay } from './outbox-relay';
import { shardOfPlayer } from './relay-shards';

jest.setTimeout(120_000);

// The relay finds pending outboxes of the shards it holds through the sparse outboxSince
// index and releases them guarded by what it read. Real Kafka and Mongo-wire server, own database and topic.
describe('outbox relay', () => {
  const kafka = createKafka('test-outbox-relay');
  const topic = `${uniqueName('relay')}.crud.audit`;
  const dbName = uniqueName('qf_relay').replace(/-/g, '_');
  let client: MongoClient;
  let db: Db;
  let players: PlayerRepository;
  const relays: OutboxRelay[] = [];
  const published: string[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('relay-reader') });

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

  const startRelay = (sweepIntervalMs: number, leaseMs?: number) => {
    const relay = new OutboxRelay(players, kafka, {
      topic,
      sweepIntervalMs,
      ...(leaseMs === undefined ? {} : { leaseMs }),
    });
    relays.push(relay);
    relay.start();
    return relay;
  };

  it('publishes every pending outbox and leaves none pending; the index holds only pending ones', async () => {
    const first = await register('0101');
    const second = await register('0102');
    const indexes = await players.collection.indexes();
    expect(indexes.find((index) => index.name === 'outboxSince_1')).toMatchObject({
      sparse: true,
    });

    startRelay(500);
    await eventually(() =>
      expect([...published].sort()).toEqual([...first.eventIds, ...second.eventIds].sort()),
    );
    await eventually(async () => {
      expect(await players.collection.countDocuments({ outboxSince: { $exists: true } })).toBe(0);
      expect(await players.outboxBacklog()).toEqual({ entries: 0, players: 0 });
    });
  });

  it('leaves the shard another relay holds alone until its lease runs out', async () => {
    // Relays of the first test give their shards back.
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    const leased = await register('0103');
    const until = new Date(Date.now() + 1500);
    const leases = db.collection<{ _id: string; owner?: string; until: Date }>(
      'outbox_relay_leases',
    );
    const shard = `shard:${shardOfPlayer(leased.playerId).toString().padStart(2, '0')}`;
    await leases.updateOne({ _id: shard }, { $set: { owner: 'other', until } }, { upsert: true });
    await leases.updateOne({ _id: 'relay:other' }, { $set: { until } }, { upsert: true });
    startRelay(500, 3000);
    await eventually(() => expect(published).toEqual(expect.arrayContaining(leased.eventIds)));
    // Published only once the other relay's lease had expired.
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
    await eventually(async () =>
      expect(await players.load(leased.playerId)).not.toHaveProperty('outboxSince'),
    );
  });
});
