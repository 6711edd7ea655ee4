import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Db, MongoClient } from 'mongodb';
import { HEADERS, topicLayoutFor, topicNames, topicSpecsFor, type TopicNames } from '@qf/contracts';
import { encodeEvent } from '@qf/player-wire';
import { historyOf, registeredPlayer } from '@qf/player-domain/testing';
import {
  createProjector,
  prepareProjection,
  projectionTarget,
  type Projector,
} from '@qf/player-read-model';
import { createKafka, ensureTopics, readPartitionToEnd } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { metricsRegistry } from '@qf/shared-observability';
import { eventually, uniqueName, runQf } from '@qf/shared-testing';
import { DeadLetterQueue } from './dead-letter-queue';
import { exportDeadLetterDepth } from '../metrics/dead-letter-depth.gauge';

jest.setTimeout(180_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

const PLAYER_OK = '00000000-0000-4000-8000-00000000000a';
const PLAYER_MALFORMED = '00000000-0000-4000-8000-00000000000b';
const PLAYER_FUTURE = '00000000-0000-4000-8000-00000000000c';

const qf = (args: string[]) => runQf(args);

const tail = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
): Promise<KafkaMessage[]> => {
  const messages: KafkaMessage[] = [];
  await readPartitionToEnd(kafka, admin, topic, partition, (message) => messages.push(message));
  return messages;
};

describe('qf dlq on the real Kafka, with a real projector dead-lettering', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let mongo: MongoClient;
  let db: Db;
  let topics: TopicNames;
  let prefix: string;
  let projector: Projector;

  beforeAll(async () => {
    kafka = createKafka(uniqueName('dlq-int'));
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    mongo = createMongoClient();
    await Promise.all([admin.connect(), producer.connect(), mongo.connect()]);
    prefix = `${uniqueName('dlq')}.`;
    topics = topicNames(prefix);
    db = mongo.db(uniqueName('qf_dlq').replace(/[-.]/g, '_'));
    // One DLQ partition, so the letters' order (and what truncation removes) is known.
    // The event store as the topic specification has it (the projector refuses one that
    // could lose history).
    await ensureTopics(admin, [
      ...topicSpecsFor(['events'], topicLayoutFor(1, 2), topics),
      { topic: topics.eventsDeadLetter, numPartitions: 1 },
    ]);
    const wiring = {
      kafka,
      db,
      target: projectionTarget('', `${prefix}projector`),
      topics: { events: topics.events, deadLetter: topics.eventsDeadLetter },
      settings: { lagRefreshMs: 0, backoff: { initialMs: 50, maxMs: 500 } },
    };
    await prepareProjection(wiring, 2);
    projector = createProjector(wiring);
    await projector.start();

    // A good player, a record that is not JSON, and an event from a future schema.
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: registeredPlayer(PLAYER_OK).map(encodeEvent),
    });
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: [
        {
          key: PLAYER_MALFORMED,
          value: '{not json',
          headers: { [HEADERS.type]: 'PlayerMoved', 'x-trace': 'malformed-1' },
        },
      ],
    });
    const [future] = historyOf(PLAYER_FUTURE, {
      type: 'PlayerMoved',
      data: { fromRoom: 'a', toRoom: 'b' },
    });
    const futureRecord = encodeEvent({
      ...future!,
      metadata: { ...future!.metadata, schemaVersion: 99 },
    });
    await producer.send({
      topic: topics.events,
      acks: -1,
      messages: [{ ...futureRecord, headers: { ...futureRecord.headers, 'x-trace': 'future-1' } }],
    });
  });

  afterAll(async () => {
    await projector?.stop().catch(() => undefined);
    await db?.dropDatabase().catch(() => undefined);
    await Promise.all([admin?.disconnect(), producer?.disconnect(), mongo?.close()]);
  });

  const queue = () => new DeadLetterQueue(kafka, admin, topics.eventsDeadLetter);

  it('reads what the projector dead-lettered, with the error code, type, player and source', async () => {
    const snapshot = await eventually(async () => {
      const read = await queue().read();
      expect(read.letters).toHaveLength(2);
      return read;
    });
    const byPlayer = new Map(snapshot.letters.map((letter) => [letter.key, letter]));
    expect(byPlayer.get(PLAYER_MALFORMED)).toMatchObject({
      status: 'open',
      type: 'PlayerMoved',
      error: { code: 'EVENT.MALFORMED' },
      source: { topic: topics.events },
    });
    expect(byPlayer.get(PLAYER_FUTURE)).toMatchObject({
      status: 'open',
      type: 'PlayerMoved',
      error: { code: 'EVENT.UNSUPPORTED_SCHEMA' },
      headers: expect.objectContaining({ 'x-trace': 'future-1' }),
    });
  });

  it('lists with filters by code, player, type and time, as a table or JSON', async () => {
    const byCode = await qf([
      'dlq',
      'list',
      'events',
      '--prefix',
      prefix,
      '--code',
      'EVENT.MALFORMED',
      '--json',
    ]);
    expect(byCode.code).toBe(0);
    const listed = JSON.parse(byCode.stdout) as {
      matched: number;
      letters: Array<{ key: string; id: string }>;
    };
    expect(listed.matched).toBe(1);
    expect(listed.letters[0]?.key).toBe(PLAYER_MALFORMED);

    const byPlayer = await qf([
      'dlq',
      'list',
      'events',
      '--prefix',
      prefix,
      '--player',
      PLAYER_FUTURE,
      '--type',
      'PlayerMoved',
    ]);
    expect(byPlayer.stdout).toContain('EVENT.UNSUPPORTED_SCHEMA');
    expect(byPlayer.stdout).toContain('1 letters match');

    const recent = await qf([
      'dlq',
      'list',
      'events',
      '--prefix',
      prefix,
      '--since',
      '1h',
      '--json',
    ]);
    expect((JSON.parse(recent.stdout) as { matched: number }).matched).toBe(2);
    const old = await qf([
      'dlq',
      'list',
      'events',
      '--prefix',
      prefix,
      '--until',
      '2020-01-01',
      '--json',
    ]);
    expect((JSON.parse(old.stdout) as { matched: number }).matched).toBe(0);

    const show = await qf(['dlq', 'show', 'events', listed.letters[0]!.id, '--prefix', prefix]);
    expect(show.stdout).toContain('x-trace: malformed-1');
    expect(show.stdout).toContain('{not json');
  });

  it('refuses bad flags and unknown topics with a message that names them', async () => {
    const badTime = await qf(['dlq', 'list', 'events', '--prefix', prefix, '--since', 'yesterday']);
    expect(badTime.code).not.toBe(0);
    expect(badTime.stderr).toContain('--since');
    const unfiltered = await qf(['dlq', 'purge', 'events', '--prefix', prefix]);
    expect(unfiltered.code).not.toBe(0);
    expect(unfiltered.stderr).toContain('--all');
    const missing = await qf(['dlq', 'list', 'events', '--prefix', `${prefix}nope.`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${prefix}nope.player.events.dlq`);
  });

  it('redrives to the source partition with key and headers, records it, and the DLQ depth shows it', async () => {
    const stop = exportDeadLetterDepth(kafka, [topics.eventsDeadLetter]);
    try {
      const depth = async () => {
        const metric = await metricsRegistry.getSingleMetric('qf_dead_letter_depth')!.get();
        return metric.values.find((value) => value.labels['topic'] === topics.eventsDeadLetter)
          ?.value;
      };
      expect(await depth()).toBe(2);
      const before = (await queue().read()).letters.find((letter) => letter.key === PLAYER_FUTURE)!;
      const sourcePartition = before.source.partition!;

      const result = await qf([
        'dlq',
        'redrive',
        'events',
        '--prefix',
        prefix,
        '--code',
        'EVENT.UNSUPPORTED_SCHEMA',
      ]);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`redrove 1 letters to ${topics.events}`);

      const back = (await tail(kafka, admin, topics.events, sourcePartition)).at(-1)!;
      expect(back.key?.toString()).toBe(PLAYER_FUTURE);
      expect(back.value?.toString()).toBe(before.value?.toString());
      const headers = Object.fromEntries(
        Object.entries(back.headers ?? {}).map(([name, value]) => [name, String(value)]),
      );
      expect(headers).toMatchObject({
        'x-trace': 'future-1',
        [HEADERS.schemaVersion]: '99',
        'qf-redriven-from': `${topics.eventsDeadLetter}/${before.partition}:${before.offset}`,
        'qf-redrive-count': '1',
      });
      expect(headers[HEADERS.error]).toBeUndefined();

      // Still unreadable: the projector dead-letters it again, and the new letter says it was redriven once.
      const after = await eventually(async () => {
        const read = await queue().read();
        expect(read.letters.filter((letter) => letter.key === PLAYER_FUTURE)).toHaveLength(2);
        return read;
      });
      const [first, second] = after.letters.filter((letter) => letter.key === PLAYER_FUTURE);
      expect(first).toMatchObject({ status: 'redriven' });
      expect(after.actions.get(`${first!.partition}:${first!.offset}`)).toMatchObject({
        action: 'redriven',
        to: { topic: topics.events, partition: sourcePartition },
      });
      expect(second).toMatchObject({ status: 'open', redriveCount: 1 });
      expect(await depth()).toBe(3);
    } finally {
      await stop();
    }
  });

  it('purges by player, then deletes the handled head of the DLQ', async () => {
    const result = await qf([
      'dlq',
      'purge',
      'events',
      '--prefix',
      prefix,
      '--player',
      PLAYER_MALFORMED,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('purged 1 letters');
    // The malformed letter and the redriven one were the head: both are gone, the re-failed one stays.
    const snapshot = await queue().read();
    expect(snapshot.letters.map((letter) => [letter.key, letter.status])).toEqual([
      [PLAYER_FUTURE, 'open'],
    ]);
    const [bounds] = await admin.fetchTopicOffsets(topics.eventsDeadLetter);
    expect(Number(bounds!.high) - Number(bounds!.low)).toBe(1);

    const all = await qf(['dlq', 'purge', 'events', '--prefix', prefix, '--all', '--json']);
    expect(JSON.parse(all.stdout)).toMatchObject({
      purged: [expect.any(String)],
      truncatedRecords: 1,
    });
    expect((await queue().read()).letters).toEqual([]);
  });
});
