import path from 'node:path';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import { topicLayoutFor, topicNames, topicSpecsFor } from '@qf/contracts';
import {
  freePort,
  startServiceProcess,
  type ServiceProcess,
  eventually,
  uniqueName,
  runQf,
} from '@qf/shared-testing';
import { registeredPlayer } from '@qf/player-domain/testing';
import { produceEvents } from '@qf/player-read-model/testing';
import { createKafka, ensureTopics } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import type { ProjectionStatus } from './projection-status';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '../../../..');
const PLAYERS = Array.from(
  { length: 6 },
  (_, index) => `00000000-0000-4000-8000-00000000010${index}`,
);

describe('qf projections and GET /projections over a real projector process', () => {
  const prefix = `${uniqueName('proj')}.`;
  const topics = topicNames(prefix);
  const dbName = uniqueName('qf_proj').replace(/[-.]/g, '_');
  const env = { QF_TOPIC_PREFIX: prefix, QF_MONGO_DB: dbName };
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let mongo: MongoClient;
  let projector: ServiceProcess;

  const qf = (args: string[]) => runQf(args, env);
  const status = async (): Promise<ProjectionStatus> =>
    JSON.parse((await qf(['projections', 'status', '--json'])).stdout) as ProjectionStatus;
  const details = (s: ProjectionStatus) => s.views.find((view) => view.view === 'player_details')!;
  const version = async (playerId: string) =>
    (
      await mongo
        .db(dbName)
        .collection<{ _id: string; version: number }>('player_details')
        .findOne({ _id: playerId })
    )?.version ?? 0;

  beforeAll(async () => {
    kafka = createKafka(uniqueName('proj'));
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    mongo = createMongoClient();
    await Promise.all([admin.connect(), producer.connect(), mongo.connect()]);
    // As the fleet creates it (kept for good): the projector refuses a history topic that loses records.
    await ensureTopics(admin, topicSpecsFor(['events'], topicLayoutFor(1, 2), topics));
    const port = await freePort();
    projector = await startServiceProcess({
      name: 'projector-admin-int',
      entry: 'apps/projector/src/main.ts',
      healthPort: port,
      env: {
        ...env,
        QF_HTTP_PORT: String(port),
        QF_PARTITIONS: '2',
        QF_PROJECTION_CONTROL_REFRESH_MS: '200',
        QF_LOG_LEVEL: 'error',
      },
      logFile: path.join(root, '.local', 'logs', 'e2e', `${prefix}projector.log`),
    });
    await produceEvents(
      producer,
      topics.events,
      PLAYERS.flatMap((id) => registeredPlayer(id)),
    );
    await eventually(async () => {
      for (const id of PLAYERS) expect(await version(id)).toBe(1);
    });
  });

  afterAll(async () => {
    await projector?.stop();
    await mongo
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({ topics: Object.values(topics).filter((topic) => existing.has(topic)) })
      .catch(() => undefined);
    await Promise.all([admin?.disconnect(), producer?.disconnect(), mongo?.close()]);
  });

  it('shows every view with its generation, group, replicas and lag, the same over HTTP', async () => {
    const fromCli = await eventually(async () => {
      const current = await status();
      expect(details(current)).toMatchObject({
        generation: 1,
        collection: 'player_details',
        group: `${prefix}projector`,
        replicas: 1,
        paused: false,
        offsetLag: 0,
        timeLagSeconds: 0,
        lastError: null,
      });
      return current;
    });
    expect(fromCli.views.map((view) => view.view)).toEqual([
      'player_details',
      'room_occupancy',
      'leaderboard',
      'player_events',
      'audit_log',
    ]);
    expect(fromCli.views.find((view) => view.view === 'audit_log')).toMatchObject({
      group: `${prefix}audit-consumer`,
      replicas: 0,
      offsetLag: null,
    });

    const overHttp = (await (
      await fetch(`${projector.baseUrl}/projections`)
    ).json()) as ProjectionStatus;
    expect(
      overHttp.views.map(({ view, generation, group, replicas, paused }) => ({
        view,
        generation,
        group,
        replicas,
        paused,
      })),
    ).toEqual(
      fromCli.views.map(({ view, generation, group, replicas, paused }) => ({
        view,
        generation,
        group,
        replicas,
        paused,
      })),
    );
  });

  it('pause stops the group consuming (lag grows, views stay), resume catches up', async () => {
    const paused = await qf(['projections', 'pause', 'leaderboard']);
    expect(paused.stdout).toContain(
      `paused group ${prefix}projector (writes leaderboard, player_details, room_occupancy, player_events)`,
    );
    await eventually(async () => {
      const replica = await mongo
        .db(dbName)
        .collection('projection_replicas')
        .findOne({ group: `${prefix}projector` });
      expect(replica?.['paused']).toBe(true);
    });

    const moves = PLAYERS.map(
      (id) =>
        registeredPlayer(id, {
          type: 'PlayerMoved',
          data: { fromRoom: 'room.start', toRoom: 'room.hall' },
        })[1]!,
    );
    await produceEvents(producer, topics.events, moves);
    const whilePaused = await eventually(async () => {
      const current = details(await status());
      expect(current).toMatchObject({ paused: true, offsetLag: PLAYERS.length });
      return current;
    });
    expect(whilePaused.pausedBy).toMatch(/@/);
    expect(await Promise.all(PLAYERS.map(version))).toEqual(PLAYERS.map(() => 1));

    expect((await qf(['projections', 'resume', 'player_details'])).code).toBe(0);
    await eventually(async () => {
      expect(await Promise.all(PLAYERS.map(version))).toEqual(PLAYERS.map(() => 2));
      expect(details(await status())).toMatchObject({ paused: false, offsetLag: 0 });
    });
  });

  it('names the allowed views when given another, and says audit_log cannot be paused', async () => {
    const unknown = await qf(['projections', 'pause', 'scores']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'allowed: player_details, room_occupancy, leaderboard, player_events, audit_log',
    );
    const audit = await qf(['projections', 'pause', 'audit_log']);
    expect(audit.code).toBe(1);
    expect(audit.stderr).toContain('audit consumer');
  });
});
