import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { topicNames, type TopicNames } from '@qf/contracts';
import { encodeEvent } from '@qf/player-wire';
import { fold, type PlayerEvent } from '@qf/player-domain';
import { registeredPlayer } from '@qf/player-domain/testing';
import { encodeSnapshot } from '@qf/player-es-write';
import { createKafka, ensureTopics } from '@qf/shared-kafka';
import { uniqueName, runQf } from '@qf/shared-testing';
import { readManifest, type ArchiveManifest } from './archive-manifest';
import { openColdStore } from './store/cold-store';

// s3rver has no types; it is a real S3-compatible HTTP server (in process, files on disk).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
};

jest.setTimeout(180_000);

const A = '00000000-0000-4000-8000-0000000000a1';
const B = '00000000-0000-4000-8000-0000000000b1';
const C = '00000000-0000-4000-8000-0000000000c1';

const qf = runQf;

const moves = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    type: 'PlayerMoved' as const,
    data: { fromRoom: `r${index}`, toRoom: `r${index + 1}` },
  }));

describe('qf archive on the real Kafka, to a directory and to an S3-compatible server', () => {
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topics: TopicNames;
  let prefix: string;
  let dir: string;
  const streams = new Map<string, PlayerEvent[]>([
    [A, registeredPlayer(A, ...moves(2))],
    [B, registeredPlayer(B, ...moves(2))],
    [C, registeredPlayer(C, ...moves(3))],
  ]);

  const send = (partition: number, events: PlayerEvent[]) =>
    producer.send({
      topic: topics.events,
      acks: -1,
      messages: events.map((event) => ({ ...encodeEvent(event), partition })),
    });
  const snapshot = (playerId: string, upTo: number) =>
    producer.send({
      topic: topics.snapshots,
      acks: -1,
      messages: [
        encodeSnapshot({ state: fold(playerId, streams.get(playerId)!.slice(0, upTo)) }, 0),
      ],
    });

  beforeAll(async () => {
    kafka = createKafka(uniqueName('archive-int'));
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
    prefix = `${uniqueName('archive')}.`;
    topics = topicNames(prefix);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-archive-'));
    await ensureTopics(admin, [
      { topic: topics.events, numPartitions: 2 },
      { topic: topics.snapshots, numPartitions: 1 },
    ]);
    const [a, b, c] = [streams.get(A)!, streams.get(B)!, streams.get(C)!];
    // Partition 0 interleaves A and B; B's snapshot covers only its registration.
    await send(0, [a[0]!, b[0]!, a[1]!, b[1]!, a[2]!, b[2]!]);
    await send(1, c.slice(0, 3));
    await Promise.all([snapshot(A, 3), snapshot(B, 1), snapshot(C, 4)]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the C event after --before has a later append time
  });

  afterAll(async () => {
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({ topics: Object.values(topics).filter((topic) => existing.has(topic)) })
      .catch(() => undefined);
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('archives per partition up to --before and the first event past its snapshot, verified', async () => {
    const before = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await send(1, streams.get(C)!.slice(3)); // appended after --before: stays in Kafka only

    const result = await qf([
      'archive',
      '--before',
      before,
      '--to',
      dir,
      '--prefix',
      prefix,
      '--json',
    ]);
    expect(result.stderr).toContain('[2/2]');
    const report = JSON.parse(result.stdout) as {
      records: number;
      partitions: Array<{
        partition: number;
        archivedUntil: string;
        heldBack: Record<string, unknown>;
      }>;
    };
    // Partition 0: A1 B1 A2, then B2 is past B's snapshot (v1). Partition 1: C1..C3, then --before.
    expect(report.records).toBe(6);
    expect(report.partitions).toEqual([
      expect.objectContaining({
        partition: 0,
        archivedUntil: '3',
        heldBack: { reason: 'snapshot', offset: '3', playerId: B, version: 2, snapshotVersion: 1 },
      }),
      expect.objectContaining({ partition: 1, archivedUntil: '3', heldBack: { reason: 'before' } }),
    ]);

    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, topics.events, 'manifest.json'), 'utf8'),
    ) as ArchiveManifest;
    const [file] = manifest.partitions['0']!.files;
    const lines = gunzipSync(fs.readFileSync(path.join(dir, file!.key)))
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.key, JSON.parse(line.value).metadata.version])).toEqual([
      [A, 1],
      [B, 1],
      [A, 2],
    ]);
    expect(lines[0].headers).toMatchObject({ 'qf-type': 'PlayerRegistered' });

    expect((await qf(['archive-verify', '--to', dir, '--prefix', prefix])).stdout).toContain(
      '2 files, 6 records',
    );
  });

  it('goes on from where it stopped once the snapshot moved on', async () => {
    await snapshot(B, 3);
    const result = await qf([
      'archive',
      '--before',
      new Date().toISOString(),
      '--to',
      dir,
      '--prefix',
      prefix,
      '--json',
    ]);
    const report = JSON.parse(result.stdout) as { records: number };
    // Partition 0: B2, A3, B3 now; partition 1: C4.
    expect(report.records).toBe(4);
    const manifest = await readManifest(openColdStore(dir), topics.events);
    expect(manifest.partitions['0']!.files.map((file) => [file.fromOffset, file.toOffset])).toEqual(
      [
        ['0', '3'],
        ['3', '6'],
      ],
    );
  });

  it('finds a damaged file, and --truncate drops only what is archived, after which qf replay refuses', async () => {
    const manifest = await readManifest(openColdStore(dir), topics.events);
    const damaged = path.join(dir, manifest.partitions['1']!.files[0]!.key);
    const original = fs.readFileSync(damaged);
    fs.writeFileSync(damaged, Buffer.from('not gzip'));
    const verify = await qf(['archive-verify', '--to', dir, '--prefix', prefix]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toContain('is not gzip');
    fs.writeFileSync(damaged, original);

    const truncate = await qf([
      'archive',
      '--before',
      new Date().toISOString(),
      '--to',
      dir,
      '--prefix',
      prefix,
      '--truncate',
    ]);
    expect(truncate.stdout).toContain('deleted 10 archived records from Kafka');
    const offsets = await admin.fetchTopicOffsets(topics.events);
    expect(offsets.map(({ partition, low }) => [partition, low]).sort()).toEqual([
      [0, '6'],
      [1, '4'],
    ]);

    const replay = await qf([
      'replay',
      'all',
      '--prefix',
      prefix,
      '--db',
      uniqueName('qf_archive').replace(/[-.]/g, '_'),
    ]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('--allow-truncated');
  });

  it('writes the same archive to an S3-compatible server', async () => {
    const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-s3rver-'));
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: s3dir,
      configureBuckets: [{ name: 'cold' }],
    });
    const { port } = await server.run();
    try {
      const s3Prefix = `${uniqueName('archive-s3')}.`;
      const s3Topics = topicNames(s3Prefix);
      await ensureTopics(admin, [
        { topic: s3Topics.events, numPartitions: 1 },
        { topic: s3Topics.snapshots, numPartitions: 1 },
      ]);
      const stream = streams.get(A)!;
      await producer.send({ topic: s3Topics.events, acks: -1, messages: stream.map(encodeEvent) });
      await producer.send({
        topic: s3Topics.snapshots,
        acks: -1,
        messages: [encodeSnapshot({ state: fold(A, stream) }, 0)],
      });
      const url = `s3://cold/qf?endpoint=http://127.0.0.1:${port}`;
      const env = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };
      const result = await qf(
        ['archive', '--before', new Date().toISOString(), '--to', url, '--prefix', s3Prefix],
        env,
      );
      expect(result.stderr + result.stdout).toContain(`archived 3 records of ${s3Topics.events}`);
      expect(
        (await qf(['archive-verify', '--to', url, '--prefix', s3Prefix], env)).stdout,
      ).toContain('1 files, 3 records');
      await admin
        .deleteTopics({ topics: [s3Topics.events, s3Topics.snapshots] })
        .catch(() => undefined);
    } finally {
      await server.close();
      fs.rmSync(s3dir, { recursive: true, force: true });
    }
  });
});
