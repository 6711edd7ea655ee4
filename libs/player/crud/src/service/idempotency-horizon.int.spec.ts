import { MongoClient, type Db } from 'mongodb';
import { aCommand, PLAYER_ID } from '@qf/player-domain/testing';
import { createKafka } from '@qf/shared-kafka';
import { databaseName } from '@qf/shared-mongo';
import { eventually, uniqueName } from '@qf/shared-testing';
import { AuditConsumer } from '../audit/audit-consumer';
import { AuditLog } from '../audit/audit-log';
import { PlayerRepository } from '../document/player-repository';
import { OutboxRelay } from '../outbox/outbox-relay';
import { CrudCommandExecutor } from './crud-command-executor';

jest.setTimeout(180_000);

// The idempotency horizon is time, not a count: a keyed retry 10 minutes (simulated clock)
// and 1,000 commands later on the same player gets the first outcome and applies nothing,
// first while its events wait in the outbox, then once relay and audit consumer moved them
// to the audit log. Real Mongo-wire server and Kafka, own database and topics.
describe('CRUD idempotency horizon', () => {
  const kafka = createKafka('test-crud-idempotency');
  const topic = `${uniqueName('idem')}.crud.audit`;
  const deadLetterTopic = `${topic}.dlq`;
  const dbName = uniqueName('qf_idem').replace(/-/g, '_');
  const playerId = PLAYER_ID;
  let client: MongoClient;
  let db: Db;
  let players: PlayerRepository;
  let auditLog: AuditLog;
  let relay: OutboxRelay | undefined;
  let consumer: AuditConsumer | undefined;

  beforeAll(async () => {
    client = await new MongoClient(process.env['MONGO_URL']!).connect();
    db = client.db(databaseName({ QF_MONGO_DB: dbName }));
    players = new PlayerRepository(db);
    auditLog = new AuditLog(db);
    await players.ensureIndexes();
    await auditLog.ensureIndexes();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 1 },
        { topic: deadLetterTopic, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    await relay?.stop();
    await consumer?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic] }).catch(() => undefined);
    await admin.disconnect();
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('answers a keyed retry 10 minutes and 1,000 commands later with the first outcome and applies nothing', async () => {
    let now = Date.now();
    const executor = new CrudCommandExecutor(players, {
      mode: 'outbox',
      outcomes: auditLog,
      now: () => now,
    });
    await executor.execute(aCommand.register({}, { commandId: 'reg' }), 'r');
    const retried = aCommand.gainExperience({ amount: 350 }, { commandId: 'xp-first' });
    const first = await executor.execute(retried, 'hash-xp');
    expect(first.events.length).toBeGreaterThan(1);
    for (let i = 0; i < 1000; i += 1) {
      now += 600; // 1,000 × 0.6 s: ten minutes
      await executor.execute(
        aCommand.move(
          { toRoom: i % 2 === 0 ? 'room.hall' : 'room.cellar' },
          { commandId: `m${i}` },
        ),
        `hash-m${i}`,
      );
    }
    const before = await players.load(playerId);
    expect(before?.version).toBe(first.version + 1000);
    expect(before?.recent.map((entry) => entry.commandId)).not.toContain('xp-first');

    // The events still wait in the outbox (no relay yet).
    await expect(executor.execute(retried, 'hash-xp')).resolves.toEqual(first);
    expect((await players.load(playerId))?.version).toBe(before?.version);

    // Relay and audit consumer move every event to the audit log and empty the outbox.
    consumer = new AuditConsumer(auditLog, kafka, {
      groupId: uniqueName('idem-audit'),
      topic,
      deadLetterTopic,
    });
    await consumer.start();
    relay = new OutboxRelay(players, kafka, { topic, sweepIntervalMs: 500 });
    relay.start();
    // One event per version.
    const total = before!.version;
    await eventually(
      async () => {
        expect(await auditLog.collection.countDocuments({})).toBe(total);
        expect((await players.load(playerId))?.outbox ?? []).toEqual([]);
      },
      { timeoutMs: 60_000 },
    );

    // Now answered from the audit log; still nothing applied.
    const fresh = new CrudCommandExecutor(players, {
      mode: 'outbox',
      outcomes: auditLog,
      now: () => now,
    });
    await expect(fresh.execute(retried, 'hash-xp')).resolves.toEqual(first);
    await expect(
      fresh.execute({ ...retried, data: { ...retried.data, amount: 1 } }, 'another body'),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY.KEY_REUSED' });
    const after = await players.load(playerId);
    expect(after?.version).toBe(before?.version);
    expect(after?.outbox ?? []).toEqual([]);
    expect(await auditLog.collection.countDocuments({})).toBe(total);
  });
});
