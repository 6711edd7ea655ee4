import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { HEADERS, headerString, topicNames } from '@qf/contracts';
import { DeadLetterQueue } from '@qf/dead-letters';
import {
  freePort,
  startServiceProcess,
  type ServiceProcess,
  eventually,
  uniqueName,
  untilEachOwnsPartitions,
  runQf,
} from '@qf/shared-testing';
import { sendUntilDecided } from '@qf/player-es-write/testing';
import { createKafka, readPartitionToEnd } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { previousReleaseTree } from './testing/previous-release';

// Builds start, rebalance and take over for real, twice over: far beyond Jest's default.
jest.setTimeout(600_000);

const repoRoot = path.resolve(__dirname, '../../..');
const PARTITIONS = 4;
const PIN_V1 = { QF_EVENT_WRITE_SCHEMAS: 'PlayerRegistered@1' };

type Json = Record<string, any>;

/**
 * A rolling upgrade from the previous release (tools/previous-release.json, exported from
 * git and run as it was released) to this tree, on one set of topics and one database:
 * 1. readers first: old and new processors share the command group and old and new
 *    projectors the event group, while the new build still writes PlayerRegistered v1;
 * 2. once no old build runs, the new build writes v2: the log and the event index mix
 *    v1 and v2, and views, history, state-at and a full replay read both;
 * 3. the control: a new writer before an old reader breaks that reader (dead letters),
 *    and the dead letters are redriven once the reader is upgraded.
 */
describe('rolling upgrade from the previous release: PlayerRegistered v1 -> v2', () => {
  const prefix = `${uniqueName('upgrade')}.`;
  const topics = topicNames(prefix);
  const dbName = uniqueName('qf_upgrade').replace(/[-.]/g, '_');
  const logDir = path.join(repoRoot, '.local', 'logs', 'e2e', prefix.slice(0, -1));
  const common = {
    QF_TOPIC_PREFIX: prefix,
    QF_MONGO_DB: dbName,
    QF_PARTITIONS: String(PARTITIONS),
    QF_SESSION_TIMEOUT_MS: '6000',
    QF_KAFKA_LOG_LEVEL: 'error',
    QF_VIEW_ALIAS_REFRESH_MS: '500',
  };
  const running: ServiceProcess[] = [];
  let old: { commit: string; root: string };
  let kafka: Kafka;
  let admin: Admin;
  let mongo: MongoClient;
  let db: Db;
  let gateway: ServiceProcess;
  let query: ServiceProcess;
  let count = 0;

  const start = async (
    build: 'old' | 'new',
    app: 'command-processor' | 'projector' | 'command-gateway' | 'query-service',
    env: Record<string, string> = {},
  ) => {
    const port = await freePort();
    const grpc = await freePort();
    count += 1;
    const name = `${build}-${app}-${count}`;
    const service = await startServiceProcess({
      name,
      entry: `apps/${app}/src/main.ts`,
      healthPort: port,
      cwd: build === 'old' ? old.root : repoRoot,
      env: { ...common, QF_HTTP_PORT: String(port), QF_GRPC_PORT: String(grpc), ...env },
      logFile: path.join(logDir, `${name}.log`),
    });
    running.push(service);
    return service;
  };

  const command = async (route: string, body: Json) => {
    const answer = await sendUntilDecided(gateway.baseUrl, route, body);
    // The route in the value, so a failure says which command was refused and why.
    expect([route, answer.status < 300 ? 'decided' : answer.body]).toEqual([route, 'decided']);
    return answer.body;
  };
  const register = (ids: string[]) =>
    Promise.all(
      ids.map((playerId, index) =>
        command('/players', { playerId, name: `P${index}`, startRoom: 'gate' }),
      ),
    );
  const move = (ids: string[], toRoom: string) =>
    Promise.all(ids.map((playerId) => command(`/players/${playerId}/move`, { toRoom })));
  const get = async (route: string): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${query.baseUrl}${route}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const visible = (expected: Map<string, { version: number; roomId: string }>) =>
    eventually(
      async () => {
        for (const [id, want] of expected)
          expect((await get(`/players/${id}`)).body).toMatchObject({ playerId: id, ...want });
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );

  /** Schema version of every PlayerRegistered in the log, from the record headers (as stored, not upcast). */
  const registrationVersions = async (): Promise<Map<string, string>> => {
    const versions = new Map<string, string>();
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      await readPartitionToEnd(kafka, admin, topics.events, partition, (message) => {
        if (headerString(message.headers, HEADERS.type) === 'PlayerRegistered')
          versions.set(
            message.key!.toString(),
            headerString(message.headers, HEADERS.schemaVersion)!,
          );
      });
    }
    return versions;
  };
  const openLetters = async () => {
    if (!(await admin.listTopics()).includes(topics.eventsDeadLetter)) return [];
    return (await new DeadLetterQueue(kafka, admin, topics.eventsDeadLetter).read()).letters.filter(
      (letter) => letter.status === 'open',
    );
  };
  const qf = (args: string[]) => runQf(args, common);

  beforeAll(async () => {
    old = previousReleaseTree();
    kafka = createKafka(uniqueName('upgrade'));
    admin = kafka.admin();
    mongo = createMongoClient();
    await Promise.all([admin.connect(), mongo.connect()]);
    db = mongo.db(dbName);
  });

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop(10_000)));
    await db?.dropDatabase().catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    const ours = [...existing].filter((topic) => topic.startsWith(prefix));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours }).catch(() => undefined);
    await Promise.all([admin?.disconnect(), mongo?.close()]);
  });

  const firstWave = Array.from({ length: 12 }, () => randomUUID());
  const secondWave = Array.from({ length: 12 }, () => randomUUID());
  const expected = new Map<string, { version: number; roomId: string }>();

  it('1. readers first: old and new builds share the groups while the new one writes v1', async () => {
    const oldProcessor = await start('old', 'command-processor');
    const newProcessor = await start('new', 'command-processor', PIN_V1);
    const oldProjector = await start('old', 'projector');
    const newProjector = await start('new', 'projector');
    gateway = await start('new', 'command-gateway');
    query = await start('new', 'query-service');
    await untilEachOwnsPartitions([oldProcessor, newProcessor, oldProjector, newProjector]);

    await register(firstWave);
    await move(firstWave, 'hall');
    for (const id of firstWave) expected.set(id, { version: 2, roomId: 'hall' });
    await visible(expected);

    expect(new Set((await registrationVersions()).values())).toEqual(new Set(['1']));
    expect(await openLetters()).toEqual([]);
  });

  it('2. the old build is gone, the new one writes v2: views, history, state-at and replay read both', async () => {
    for (const service of running.filter(
      (entry) => entry.name.startsWith('old-') || entry.name.includes('new-command-processor'),
    ))
      await service.stop(15_000);
    await start('new', 'command-processor');

    await register(secondWave);
    await move([...firstWave, ...secondWave], 'vault');
    for (const id of firstWave) expected.set(id, { version: 3, roomId: 'vault' });
    for (const id of secondWave) expected.set(id, { version: 2, roomId: 'vault' });
    await visible(expected);

    const versions = await registrationVersions();
    expect(firstWave.map((id) => versions.get(id))).toEqual(firstWave.map(() => '1'));
    expect(secondWave.map((id) => versions.get(id))).toEqual(secondWave.map(() => '2'));
    // The event index too: the old projector stored v1 registrations, the new one v2.
    const indexed = await db
      .collection('player_events')
      .find({ type: 'PlayerRegistered' })
      .project({ schemaVersion: 1 })
      .toArray();
    expect(new Set(indexed.map((doc) => doc['schemaVersion']))).toEqual(new Set([1, 2]));

    for (const id of [firstWave[0]!, secondWave[0]!]) {
      const history = await get(`/players/${id}/history`);
      expect(history.status).toBe(200);
      expect(history.body.events[0]).toMatchObject({
        type: 'PlayerRegistered',
        version: 1,
        data: {
          playerId: id,
          startRoom: 'gate',
          stats: { level: 1, xp: 0, health: 100, maxHealth: 100 },
        },
      });
      expect((await get(`/players/${id}/state?version=1`)).body.state).toMatchObject({
        playerId: id,
        roomId: 'gate',
        version: 1,
        level: 1,
      });
      expect(
        (await get(`/players/${id}/state?at=${new Date().toISOString()}`)).body.state,
      ).toMatchObject({ roomId: 'vault' });
    }

    const replay = await qf([
      'replay',
      'all',
      '--prefix',
      prefix,
      '--db',
      dbName,
      '--grace',
      '1',
      '--max-lag',
      '0',
      '--json',
    ]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({
      status: 'dropped',
      active: { player_details: 'player_details_v2' },
    });
    await visible(expected);
    expect(await openLetters()).toEqual([]);
  });

  it('3. control: a v2 writer before an old reader breaks it, and a redrive after the upgrade repairs it', async () => {
    const newProjector = running.find(
      (service) => service.name.includes('new-projector') && service.running(),
    )!;
    const oldProjector = await start('old', 'projector');
    await untilEachOwnsPartitions([oldProjector, newProjector]);
    const late = Array.from({ length: 16 }, () => randomUUID());
    await register(late);

    await eventually(async () => {
      expect((await openLetters()).length).toBeGreaterThan(0);
    });
    // The old reader may still be dead-lettering the rest of its partitions: count the
    // letters only once it has stopped, so the redrive is compared with all of them.
    await oldProjector.stop(15_000);
    const letters = await openLetters();
    expect(new Set(letters.map((letter) => letter.error.code))).toEqual(
      new Set(['EVENT.UNSUPPORTED_SCHEMA']),
    );
    const redrive = await qf([
      'dlq',
      'redrive',
      'events',
      '--prefix',
      prefix,
      '--code',
      'EVENT.UNSUPPORTED_SCHEMA',
    ]);
    expect(redrive.stdout).toContain(`redrove ${letters.length} letters`);
    for (const id of late) expected.set(id, { version: 1, roomId: 'gate' });
    await visible(expected);
    expect(await openLetters()).toEqual([]);
  });
});
