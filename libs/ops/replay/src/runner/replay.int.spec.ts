import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Db } from 'mongodb';
import { type TopicNames } from '@qf/contracts';
import type { PlayerEvent } from '@qf/player-domain';
import {
  AuditConsumer,
  AuditLog,
  followAuditLogAlias,
  type AuditLogDocument,
} from '@qf/player-crud';
import {
  createProjector,
  prepareProjection,
  projectionTarget,
  readModelCollections,
  ViewAliases,
  VIEW_ALIASES_COLLECTION,
  type Projector,
} from '@qf/player-read-model';
import {
  expectedReadModels,
  produceEvents,
  randomHistories,
  readModelSnapshot,
  useProjectionInfra,
} from '@qf/player-read-model/testing';
import { ensureFleetTopics } from '@qf/shared-kafka';
import { eventually } from '@qf/shared-testing';
import { parseReplayTarget } from '../plan/replay-target';
import { committedOffsets, partitionPositions } from '../kafka/partition-positions';
import { progressOf } from '../progress/replay-progress';
import { ReplayStateStore } from '../state/replay-state.store';
import { LiveGroupActiveError, ReplayConflictError, ReplayInterruptedError } from './replay-errors';
import { abandonReplay, runInPlaceReplay, runReplay, type ReplayOptions } from './run-replay';

jest.setTimeout(240_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const root = path.resolve(__dirname, '../../../../..');
const PARTITIONS = 4;

/** One isolated world per test: its own topic prefix, consumer groups and database. */
interface World {
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly db: Db;
}

describe('qf replay on the real Kafka and Mongo-wire server', () => {
  const infra = useProjectionInfra('replay-int');
  const stoppers: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop().catch(() => undefined)));
  });

  const world = async (name: string): Promise<World> => {
    const { prefix, topics, db } = infra.world(name);
    // As the services create them: the event store and the audit topic keep their history.
    await ensureFleetTopics(
      infra.admin,
      ['events', 'eventsDeadLetter', 'crudAudit', 'crudAuditDeadLetter'],
      {
        names: topics,
        partitions: PARTITIONS,
      },
    );
    return { prefix, topics, db };
  };

  /** The fleet's projector as apps/projector wires it: the live group, following the view aliases. */
  const liveProjector = async (w: World): Promise<Projector> => {
    const target = projectionTarget('', `${w.prefix}projector`);
    const wiring = {
      kafka: infra.kafka,
      db: w.db,
      target,
      aliases: new ViewAliases(w.db, 200, target.collections),
      topics: { events: w.topics.events, deadLetter: w.topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0, chunkSize: 200 },
    };
    await prepareProjection(wiring, PARTITIONS);
    const projector = createProjector(wiring);
    await projector.start();
    stoppers.push(() => projector.stop());
    return projector;
  };

  const groupCaughtUp = (w: World, groupId: string, topic: string) =>
    eventually(
      async () => {
        const positions = await partitionPositions(infra.admin, groupId, topic, []);
        expect(positions.every((position) => (position.committed ?? -1) >= position.head)).toBe(
          true,
        );
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );

  const options = (
    w: World,
    target: string,
    extra: Partial<ReplayOptions> = {},
  ): ReplayOptions => ({
    target: parseReplayTarget(target),
    prefix: w.prefix,
    replicas: 1,
    graceSeconds: 1,
    keepOld: false,
    maxLag: 0,
    pollMs: 200,
    settings: { flushEvents: 500 },
    ...extra,
  });

  const aliases = (w: World) =>
    w.db.collection(VIEW_ALIASES_COLLECTION).find({}).sort({ _id: 1 }).toArray();
  const v = (suffix: string) => readModelCollections(suffix);

  it('rebuilds all four views with two replicas into v2 documents equal, one by one, to the live ones; readers are switched', async () => {
    const w = await world('replay-equal');
    const log = randomHistories({ players: 40, commandsPerPlayer: 30, seed: 31 });
    await produceEvents(infra.producer, w.topics.events, log);
    await liveProjector(w);
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);

    const outcome = await runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'all', { replicas: 2, keepOld: true }),
    );

    expect(outcome).toMatchObject({
      id: 'all@v2',
      status: 'dropped',
      version: 2,
      resumed: false,
      doneAtStart: 0,
      events: log.length,
      kept: ['player_details', 'room_occupancy', 'leaderboard', 'player_events'],
    });
    expect(outcome.active).toEqual({
      player_details: 'player_details_v2',
      room_occupancy: 'room_occupancy_v2',
      leaderboard: 'leaderboard_v2',
      player_events: 'player_events_v2',
    });
    const live = await readModelSnapshot(w.db, v(''));
    const rebuilt = await readModelSnapshot(w.db, v('v2'));
    for (const key of ['playerDetails', 'roomOccupancy', 'leaderboard', 'playerEvents'] as const) {
      expect(rebuilt[key].length).toBe(live[key].length);
      rebuilt[key].forEach((doc, index) => expect(doc).toEqual(live[key][index]));
    }
    expect(rebuilt).toEqual(expectedReadModels(log));
    expect((await aliases(w)).map((alias) => [alias['_id'], alias['collection']])).toEqual([
      ['leaderboard', 'leaderboard_v2'],
      ['player_details', 'player_details_v2'],
      ['player_events', 'player_events_v2'],
      ['room_occupancy', 'room_occupancy_v2'],
    ]);
    // The rebuild group is gone; the indexes the queries need exist on the new generation.
    expect((await infra.admin.listGroups()).groups.map((group) => group.groupId)).not.toContain(
      outcome.groupId,
    );
    expect(
      (await w.db.collection('room_occupancy_v2').indexes()).map((index) => index.name),
    ).toContain('roomId_1__id_1');
    expect(
      (await w.db.collection('leaderboard_v2').indexes()).map((index) => index.name),
    ).toContain('level_-1_xp_-1__id_1');
  });

  it('after the switch the live projector writes the new generation; the old one is dropped after the grace', async () => {
    const w = await world('replay-follow');
    const log = randomHistories({ players: 30, commandsPerPlayer: 40, seed: 32 });
    const [before, after] = [log.slice(0, 600), log.slice(600)];
    await produceEvents(infra.producer, w.topics.events, before);
    await liveProjector(w);
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);

    const outcome = await runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'leaderboard', { graceSeconds: 2 }),
    );
    expect(outcome).toMatchObject({
      id: 'leaderboard@v2',
      status: 'dropped',
      active: { leaderboard: 'leaderboard_v2' },
    });
    // The old leaderboard and the scratch fold base are gone; the other views are untouched.
    const names = (await w.db.listCollections().toArray()).map((collection) => collection.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'leaderboard_v2',
        'player_details',
        'room_occupancy',
        'player_events',
      ]),
    );
    expect(names).not.toContain('leaderboard');
    expect(names).not.toContain('player_details_v2');

    await produceEvents(infra.producer, w.topics.events, after);
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);
    const expected = expectedReadModels(log);
    const snapshot = await readModelSnapshot(w.db, { ...v(''), leaderboard: 'leaderboard_v2' });
    expect(snapshot).toEqual(expected);
  });

  it('an interrupted rebuild (Ctrl-C, then SIGKILL) resumes the same generation where it stopped, never touching the serving one', async () => {
    const w = await world('replay-resume');
    const log = randomHistories({ players: 100, commandsPerPlayer: 100, seed: 33 });
    // Small record batches and small fetches: the rebuild commits every few dozen events.
    await produceEvents(infra.producer, w.topics.events, log, 100);
    await liveProjector(w);
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);
    const serving = await readModelSnapshot(w.db, v(''));
    const group = `${w.prefix}projector-rebuild-v2`;
    const committed = async () =>
      [...(await committedOffsets(infra.admin, group, w.topics.events)).values()].reduce<number>(
        (sum, offset) => sum + (offset ?? 0),
        0,
      );

    /** `qf replay all` in a child process, stopped with signal once it has committed some work. */
    const interruptedRun = async (signal: NodeJS.Signals) => {
      const before = await committed();
      const child = spawn(
        process.execPath,
        [
          'bin/qf.js',
          'replay',
          'all',
          '--prefix',
          w.prefix,
          '--chunk',
          '20',
          '--max-bytes-per-partition',
          '8192',
          '--grace',
          '1',
          '--max-lag',
          '0',
        ],
        {
          cwd: root,
          env: { ...process.env, QF_MONGO_DB: w.db.databaseName, QF_LOG_LEVEL: 'error' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      stoppers.push(async () => void child.kill('SIGKILL'));
      await eventually(async () => expect(await committed()).toBeGreaterThan(before + 200), {
        timeoutMs: 120_000,
        intervalMs: 50,
      });
      child.kill(signal);
      return { code: await exited, stderr };
    };

    const first = await interruptedRun('SIGINT');
    expect(first.code).toBe(130);
    expect(first.stderr).toContain('interrupted');
    const afterFirst = await committed();
    expect(afterFirst).toBeGreaterThan(0);
    expect(afterFirst).toBeLessThan(log.length);

    const second = await interruptedRun('SIGKILL');
    expect(second.code).toBeNull();
    const afterSecond = await committed();
    expect(afterSecond).toBeGreaterThanOrEqual(afterFirst);
    expect(afterSecond).toBeLessThan(log.length);

    // Nothing switched: readers still have the serving generation, whole.
    expect(await aliases(w)).toEqual([]);
    expect(await readModelSnapshot(w.db, v(''))).toEqual(serving);
    expect(await new ReplayStateStore(w.db).get('all@v2')).toMatchObject({
      status: 'building',
      runs: 2,
    });

    const outcome = await runReplay({ kafka: infra.kafka, db: w.db }, options(w, 'all'));
    expect(outcome).toMatchObject({ id: 'all@v2', version: 2, resumed: true, status: 'dropped' });
    expect(outcome.doneAtStart).toBeGreaterThanOrEqual(afterSecond);
    expect(await readModelSnapshot(w.db, v('v2'))).toEqual(expectedReadModels(log));
    expect(await new ReplayStateStore(w.db).get('all@v2')).toMatchObject({
      status: 'dropped',
      runs: 3,
    });
  });

  it('an abort signal stops the rebuild; an overlapping replay is refused until it is resumed or abandoned', async () => {
    const w = await world('replay-abort');
    // Enough rounds of 10 events that the rebuild cannot finish before its first progress report.
    const log = randomHistories({ players: 250, commandsPerPlayer: 60, seed: 34 });
    await produceEvents(infra.producer, w.topics.events, log, 5000);
    const controller = new AbortController();
    const run = runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'all', {
        signal: controller.signal,
        settings: { flushEvents: 10 },
        onProgress: (snapshot) => snapshot.done > 0 && controller.abort(),
      }),
    );
    await expect(run).rejects.toBeInstanceOf(ReplayInterruptedError);
    const positions = await partitionPositions(
      infra.admin,
      `${w.prefix}projector-rebuild-v2`,
      w.topics.events,
      [],
    );
    expect(
      progressOf(positions.map((position) => ({ ...position, target: position.head }))).done,
    ).toBeGreaterThan(0);

    await expect(
      runReplay({ kafka: infra.kafka, db: w.db }, options(w, 'leaderboard')),
    ).rejects.toBeInstanceOf(ReplayConflictError);
    const abandoned = await abandonReplay({ kafka: infra.kafka, db: w.db }, options(w, 'all'));
    expect(abandoned).toMatchObject({ _id: 'all@v2', status: 'abandoned' });
    const names = (await w.db.listCollections().toArray()).map((collection) => collection.name);
    expect(names.filter((name) => name.endsWith('_v2'))).toEqual([]);

    // The next generation is v3: v2's name is never reused.
    const outcome = await runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'leaderboard', { graceSeconds: 0 }),
    );
    expect(outcome).toMatchObject({
      id: 'leaderboard@v3',
      status: 'dropped',
      active: { leaderboard: 'leaderboard_v3' },
    });
    expect((await readModelSnapshot(w.db, v('v3'))).leaderboard).toEqual(
      expectedReadModels(log).leaderboard,
    );
  });

  it('a rebuild holding few documents and writing small rounds still equals the fold', async () => {
    const w = await world('replay-pressure');
    const log = randomHistories({ players: 30, commandsPerPlayer: 60, seed: 37 });
    // Small record batches, small fetches: many batches per partition before its head.
    await produceEvents(infra.producer, w.topics.events, log, 50);
    const outcome = await runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'all', {
        graceSeconds: 0,
        settings: {
          flushEvents: 100,
          eventDocsChunk: 50,
          maxPendingDocs: 150,
          maxPlayers: 5,
          maxBytesPerPartition: 16 * 1024,
        },
      }),
    );
    expect(outcome).toMatchObject({ status: 'dropped', events: log.length });
    expect(outcome.consumers?.rounds).toBeGreaterThan(PARTITIONS);
    expect(await readModelSnapshot(w.db, v('v2'))).toEqual(expectedReadModels(log));
  });

  it('--in-place refuses while the live projector runs, then rebuilds the live collections with the live group', async () => {
    const w = await world('replay-inplace');
    const log = randomHistories({ players: 30, commandsPerPlayer: 30, seed: 35 });
    await produceEvents(infra.producer, w.topics.events, log);
    const projector = await liveProjector(w);
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);
    await expect(
      runInPlaceReplay({ kafka: infra.kafka, db: w.db }, options(w, 'all')),
    ).rejects.toBeInstanceOf(LiveGroupActiveError);

    await projector.stop();
    // Damage the live views so the rebuild has something to repair.
    await w.db.collection('leaderboard').deleteMany({});
    await w.db.collection('player_details').updateMany({}, { $set: { name: 'corrupted' } });
    const outcome = await runInPlaceReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'all', { replicas: 2 }),
    );
    expect(outcome).toMatchObject({
      mode: 'in-place',
      status: 'done',
      groupId: `${w.prefix}projector`,
      events: log.length,
      active: { player_details: 'player_details' },
    });
    expect(await readModelSnapshot(w.db, v(''))).toEqual(expectedReadModels(log));
    await groupCaughtUp(w, `${w.prefix}projector`, w.topics.events);
    expect(await aliases(w)).toEqual([]);
  });

  it('replays crud.audit into audit_log_v2 equal to the live audit_log; the audit consumer and history reads follow the switch', async () => {
    const w = await world('replay-audit');
    const log = randomHistories({ players: 20, commandsPerPlayer: 30, seed: 36 });
    const [before, after] = [log.slice(0, 400), log.slice(400)];
    const consumer = new AuditConsumer(
      new AuditLog(w.db, followAuditLogAlias(w.db, 200)),
      infra.kafka,
      {
        groupId: `${w.prefix}audit-consumer`,
        topic: w.topics.crudAudit,
        deadLetterTopic: w.topics.crudAuditDeadLetter,
      },
    );
    await consumer.start();
    stoppers.push(() => consumer.stop());
    await produceEvents(infra.producer, w.topics.crudAudit, before);
    await groupCaughtUp(w, `${w.prefix}audit-consumer`, w.topics.crudAudit);

    const outcome = await runReplay(
      { kafka: infra.kafka, db: w.db },
      options(w, 'audit_log', { keepOld: true }),
    );
    expect(outcome).toMatchObject({
      id: 'audit_log@v2',
      status: 'dropped',
      active: { audit_log: 'audit_log_v2' },
      kept: ['audit_log'],
    });
    // auditedAt is when a consumer stored the event, not part of the log: everything else is equal.
    const withoutAuditedAt = async (name: string) =>
      (await w.db.collection<AuditLogDocument>(name).find({}).sort({ _id: 1 }).toArray()).map(
        ({ auditedAt: _auditedAt, ...doc }) => doc,
      );
    const live = await withoutAuditedAt('audit_log');
    const rebuilt = await withoutAuditedAt('audit_log_v2');
    expect(rebuilt.length).toBe(before.length);
    rebuilt.forEach((doc, index) => expect(doc).toEqual(live[index]));

    // Events after the switch land in the new generation only; history reads come from it.
    await produceEvents(infra.producer, w.topics.crudAudit, after);
    await groupCaughtUp(w, `${w.prefix}audit-consumer`, w.topics.crudAudit);
    expect(await w.db.collection('audit_log_v2').countDocuments()).toBe(log.length);
    expect(await w.db.collection('audit_log').countDocuments()).toBe(before.length);
    const playerId = (after[after.length - 1] as PlayerEvent).metadata.aggregateId;
    const history = await new AuditLog(w.db, followAuditLogAlias(w.db, 0)).history(
      playerId,
      1,
      10_000,
    );
    expect(history.map((event) => event.metadata.version)).toEqual(
      log
        .filter((event) => event.metadata.aggregateId === playerId)
        .map((event) => event.metadata.version),
    );
  });
});
