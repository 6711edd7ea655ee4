import { MongoClient, type Collection } from 'mongodb';
import { topicNames } from '@qf/contracts';
import { encodeEvent } from '@qf/player-wire';
import { fold, type PlayerEvent } from '@qf/player-domain';
import {
  eventOfEntry,
  stateToView,
  type AuditLogDocument,
  type PlayerDocument,
} from '@qf/player-crud';
import { createKafka } from '@qf/shared-kafka';
import {
  eventually,
  metricValue,
  scrape,
  startServiceProcess,
  uniqueName,
  type ServiceProcess,
} from '@qf/shared-testing';
import { startCrudService, type RunningCrudService } from './crud-service';
import { crudServiceConfig } from './crud-service.config';

/** fetch whose JSON bodies are loosely typed: these tests read them field by field. */
const http = fetch as (
  ...args: Parameters<typeof fetch>
) => Promise<Omit<Response, 'json'> & { json(): Promise<any> }>;

jest.setTimeout(300_000);

const DEAD_KAFKA = '127.0.0.1:1';
const RELAY = 'apps/outbox-relay/src/main.ts';
const CONSUMER = 'apps/audit-consumer/src/main.ts';

/**
 * The CRUD audit path end to end: crud-service in process, outbox-relay and audit-consumer
 * as real child processes that are SIGKILLed, Kafka made unreachable for one of them by
 * pointing KAFKA_BROKERS at a dead port. Each scenario has its own database and topics.
 */
describe('CRUD audit pipeline (outbox -> relay -> crud.audit -> audit-consumer -> audit_log)', () => {
  const realKafka = process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const mongoUrl = process.env['MONGO_URL']!;
  let mongo: MongoClient;
  const children: ServiceProcess[] = [];
  const services: RunningCrudService[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    mongo = await new MongoClient(mongoUrl).connect();
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map((child) => child.crash()));
    await Promise.all(services.splice(0).map((service) => service.close()));
  });

  afterAll(async () => {
    await mongo?.close();
    // Each scenario made its own topics on the shared broker: remove them.
    const admin = createKafka('test-cleanup', { brokers: realKafka.split(',') }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) =>
      prefixes.some((prefix) => topic.startsWith(prefix)),
    );
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  /** A scenario's database, topic prefix and the env its child processes run with. */
  const scenario = (name: string) => {
    const db = uniqueName(`qf_${name}`).replace(/-/g, '_');
    const prefix = `${uniqueName(name)}.`;
    prefixes.push(prefix);
    const env = {
      QF_MONGO_DB: db,
      QF_TOPIC_PREFIX: prefix,
      QF_PARTITIONS: '3',
      MONGO_URL: mongoUrl,
      KAFKA_BROKERS: realKafka,
      QF_LOG_LEVEL: 'warn',
      QF_KAFKA_LOG_LEVEL: 'nothing',
    };
    const database = mongo.db(db);
    return {
      env,
      prefix,
      players: database.collection('players') as unknown as Collection<PlayerDocument>,
      auditLog: database.collection('audit_log') as unknown as Collection<AuditLogDocument>,
      start: async (
        service: string,
        entry: string,
        extra: Record<string, string> = {},
        waitFor: 'healthy' | 'listening' = 'healthy',
      ) => {
        const child = await startServiceProcess({
          name: service,
          entry,
          env: { ...env, ...extra },
          readyWhen: waitFor,
          startTimeoutMs: 90_000,
        });
        children.push(child);
        return child;
      },
      crud: async (auditMode: 'outbox' | 'dual-write', kafkaBrokers = realKafka) => {
        // The in-process service reads its database, topics and brokers from the environment.
        const saved = { ...process.env };
        Object.assign(process.env, env, { KAFKA_BROKERS: kafkaBrokers });
        try {
          const service = await startCrudService({
            ...crudServiceConfig([], { QF_HTTP_PORT: '0', QF_GRPC_PORT: '0' }),
            auditMode,
            partitions: 3,
          });
          services.push(service);
          return service;
        } finally {
          for (const key of [...Object.keys(env), 'KAFKA_BROKERS']) {
            if (saved[key] === undefined) delete process.env[key];
            else process.env[key] = saved[key];
          }
        }
      },
    };
  };

  /** Drives a small game on a few players; returns every event the service accepted. */
  const play = async (
    service: RunningCrudService,
    playerIds: string[],
    rounds: number,
    tag: string,
  ): Promise<PlayerEvent[]> => {
    const accepted: PlayerEvent[] = [];
    const post = async (path: string, body: unknown) => {
      const response = await http(`${service.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await response.json();
      if (response.status === 200 || response.status === 201) {
        for (const view of json.events)
          accepted.push({
            type: view.type,
            data: view.data,
            metadata: {
              eventId: view.eventId,
              aggregateId: json.playerId,
              version: view.version,
              occurredAt: view.occurredAt,
            },
          } as PlayerEvent);
      } else if (json.code !== 'PLAYER.VERSION_CONFLICT') {
        throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      }
      return json;
    };
    if (playerIds.length === 0) {
      for (let i = 0; i < 4; i += 1)
        playerIds.push(
          (await post('/players', { name: `${tag}-${i}`, startRoom: 'hall' })).playerId,
        );
    }
    await Promise.all(
      playerIds.map(async (id, p) => {
        for (let r = 0; r < rounds; r += 1) {
          await post(
            `/players/${id}/${r % 2 === 0 ? 'gain-experience' : 'pick-up'}`,
            r % 2 === 0 ? { amount: 10 + p } : { itemId: `item.${r % 5}`, qty: 1 },
          );
        }
      }),
    );
    return accepted;
  };

  const auditIds = async (auditLog: Collection<AuditLogDocument>) =>
    (await auditLog.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => doc._id).sort();

  it('records every accepted command exactly once through a Kafka outage and relay/consumer crashes', async () => {
    const s = scenario('crud-outbox');
    const service = await s.crud('outbox');
    const consumer = await s.start('audit-consumer', CONSUMER);
    // Kafka is "down" for the relay: commands still succeed, the outbox holds the events.
    let relay = await s.start('outbox-relay', RELAY, { KAFKA_BROKERS: DEAD_KAFKA }, 'listening');
    const players: string[] = [];
    const accepted = await play(service, players, 6, 'outage');
    expect(accepted.length).toBeGreaterThanOrEqual(4 + 4 * 6);
    await eventually(
      async () =>
        expect(metricValue(await scrape(relay.baseUrl), 'qf_outbox_pending_entries')).toBe(
          accepted.length,
        ),
      { timeoutMs: 30_000 },
    );
    expect(
      metricValue(await scrape(relay.baseUrl), 'qf_outbox_oldest_pending_age_seconds'),
    ).toBeGreaterThan(0);
    expect((await http(`${relay.baseUrl}/health`)).status).toBe(503);
    expect(await s.auditLog.countDocuments()).toBe(0);

    // A relay that published and died before removing: simulate its publish of one
    // document's entries, leaving them pending, so the next relay publishes them again.
    const doc = (await s.players.findOne({ _id: players[0]! }))!;
    const producer = createKafka('test-dead-relay', { brokers: realKafka.split(',') }).producer();
    await producer.connect();
    await producer.send({
      topic: topicNames(s.prefix).crudAudit,
      messages: doc.outbox!.map((entry) => encodeEvent(eventOfEntry(entry))),
    });
    await producer.disconnect();

    // Kafka "returns": the relay restarts with the real address and drains the backlog.
    await relay.crash();
    relay = await s.start('outbox-relay', RELAY);
    await eventually(async () => expect(await s.auditLog.countDocuments()).toBe(accepted.length), {
      timeoutMs: 60_000,
    });
    await eventually(
      async () =>
        expect(metricValue(await scrape(relay.baseUrl), 'qf_outbox_pending_entries')).toBe(0),
      { timeoutMs: 30_000 },
    );
    await eventually(async () =>
      expect(
        metricValue(await scrape(consumer.baseUrl), 'qf_audit_duplicates_total'),
      ).toBeGreaterThanOrEqual(doc.outbox!.length),
    );

    // Crashes under load: SIGKILL the relay and the consumer while commands keep coming.
    const moreAccepted = play(service, players, 25, 'crash');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.crash();
    await consumer.crash();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two replicas from now on: leases keep them from publishing the same entries.
    await s.start('outbox-relay', RELAY, { QF_RELAY_ID: 'relay-b' });
    await s.start('outbox-relay', RELAY, { QF_RELAY_ID: 'relay-c' });
    accepted.push(...(await moreAccepted));
    const consumer2 = await s.start('audit-consumer', CONSUMER);
    await s.start('audit-consumer', CONSUMER);

    const expectedIds = accepted.map((event) => event.metadata.eventId).sort();
    await eventually(async () => expect(await auditIds(s.auditLog)).toEqual(expectedIds), {
      timeoutMs: 90_000,
    });
    // Exactly one entry per event: _id is the event id, and nothing else arrived.
    expect(await s.auditLog.countDocuments()).toBe(expectedIds.length);
    expect(await s.players.countDocuments({ outboxSince: { $exists: true } })).toBe(0);
    expect((await http(`${consumer2.baseUrl}/health`)).status).toBe(200);

    // History and time travel from audit_log equal folding the same events with the domain.
    const id = players[1]!;
    const mine = accepted
      .filter((event) => event.metadata.aggregateId === id)
      .sort((a, b) => a.metadata.version - b.metadata.version);
    const history = await (await http(`${service.url}/players/${id}/history`)).json();
    expect(
      history.events.map((e: { eventId: string; version: number; type: string; data: unknown }) => [
        e.eventId,
        e.version,
        e.type,
        e.data,
      ]),
    ).toEqual(mine.map((e) => [e.metadata.eventId, e.metadata.version, e.type, e.data]));
    const middle = mine[Math.floor(mine.length / 2)]!;
    const atVersion = await (
      await http(`${service.url}/players/${id}/state?version=${middle.metadata.version}`)
    ).json();
    const expected = stateToView(
      fold(id, history.events.slice(0, middle.metadata.version).map(toEvent(id))),
    );
    expect(atVersion).toEqual({
      playerId: id,
      asOf: { version: middle.metadata.version },
      state: expected,
    });
    const atTime = await (
      await http(
        `${service.url}/players/${id}/state?at=${encodeURIComponent(middle.metadata.occurredAt)}`,
      )
    ).json();
    const upToTime = history.events
      .filter((e: { occurredAt: string }) => e.occurredAt <= middle.metadata.occurredAt)
      .map(toEvent(id));
    expect(atTime.state).toEqual(stateToView(fold(id, upToTime)));
    const current = await (await http(`${service.url}/players/${id}`)).json();
    expect(stateToView(fold(id, history.events.map(toEvent(id))))).toEqual(current);
    expect((await http(`${service.url}/players/${id}/state?at=2000-01-01T00:00:00Z`)).status).toBe(
      404,
    );
  });

  it('audit-consumer dead-letters poison records and stores the rest', async () => {
    const s = scenario('crud-poison');
    const consumer = await s.start('audit-consumer', CONSUMER);
    const topics = topicNames(s.prefix);
    const event = (version: number): PlayerEvent =>
      ({
        type: 'PlayerHealed',
        data: { amount: 1, health: 100 },
        metadata: {
          eventId: `c${version}:0`,
          aggregateId: 'p-1',
          version,
          schemaVersion: 1,
          occurredAt: new Date().toISOString(),
          causationId: `c${version}`,
          correlationId: `c${version}`,
        },
      }) as PlayerEvent;
    const kafka = createKafka('test-poison', { brokers: realKafka.split(',') });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.crudAudit,
      messages: [
        encodeEvent(event(1)),
        { key: 'p-1', value: '{"not": "an event"' },
        encodeEvent(event(2)),
        encodeEvent(event(1)),
      ],
    });
    await producer.disconnect();
    await eventually(async () => expect(await auditIds(s.auditLog)).toEqual(['c1:0', 'c2:0']), {
      timeoutMs: 30_000,
    });
    await eventually(async () =>
      expect(metricValue(await scrape(consumer.baseUrl), 'qf_audit_dead_lettered_total')).toBe(1),
    );
    const reader = kafka.consumer({ groupId: `${s.prefix}dlq-reader` });
    const seen: Array<{ value: string; error: string }> = [];
    await reader.connect();
    await reader.subscribe({ topic: topics.crudAuditDeadLetter, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) =>
        void seen.push({
          value: String(message.value),
          error: String(message.headers?.['qf-error']),
        }),
    });
    await eventually(
      () =>
        expect(seen).toEqual([
          { value: '{"not": "an event"', error: expect.stringContaining('EVENT.MALFORMED') },
        ]),
      { timeoutMs: 30_000 },
    );
    await reader.disconnect();
  });

  it('dual-write baseline: the same Kafka outage loses the audit events the outbox keeps', async () => {
    const s = scenario('crud-dual');
    await s.start('audit-consumer', CONSUMER);
    // First with Kafka reachable: the direct publish works.
    const healthy = await s.crud('dual-write');
    const players: string[] = [];
    const kept = await play(healthy, players, 2, 'dual-ok');
    await eventually(async () => expect(await s.auditLog.countDocuments()).toBe(kept.length), {
      timeoutMs: 60_000,
    });
    expect(await s.players.countDocuments({ outbox: { $exists: true } })).toBe(0);

    // Then Kafka "down" for the service: commands succeed, their audit events are gone.
    const cut = await s.crud('dual-write', DEAD_KAFKA);
    const lost = await play(cut, players, 2, 'dual-cut');
    expect(lost.length).toBeGreaterThan(0);
    expect(
      metricValue(await scrape(cut.url), 'qf_crud_dual_write_lost_total'),
    ).toBeGreaterThanOrEqual(lost.length);
    // Even after Kafka is back (a healthy service again), nothing brings them back.
    await play(healthy, players, 1, 'dual-after');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const stored = new Set(await auditIds(s.auditLog));
    expect(lost.filter((event) => stored.has(event.metadata.eventId))).toEqual([]);
    // The documents did change: state and audit log disagree.
    const doc = (await s.players.findOne({ _id: players[0]! }))!;
    const audited = await s.auditLog.countDocuments({ playerId: players[0]! });
    expect(doc.version).toBeGreaterThan(audited);
  });
});

const toEvent =
  (playerId: string) =>
  (view: {
    eventId: string;
    type: string;
    version: number;
    occurredAt: string;
    data: unknown;
  }): PlayerEvent =>
    ({
      type: view.type,
      data: view.data,
      metadata: {
        eventId: view.eventId,
        aggregateId: playerId,
        version: view.version,
        occurredAt: view.occurredAt,
        schemaVersion: 1,
        causationId: '',
        correlationId: '',
      },
    }) as PlayerEvent;
