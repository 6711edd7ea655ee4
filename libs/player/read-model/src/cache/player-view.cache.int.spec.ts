import IORedis, { type default as Redis } from 'ioredis';
import type { Db, MongoClient } from 'mongodb';
import type { PlayerView } from '@qf/contracts';
import type { PlayerEvent } from '@qf/player-domain';
import { createMongoClient } from '@qf/shared-mongo';
import { createRedis } from '@qf/shared-redis';
import { uniqueName } from '@qf/shared-testing';
import { MongoReadModelStore } from '../mongo/mongo-read-model.store';
import { ReadModelRepository } from '../mongo/read-model.repository';
import { ensureReadModelIndexes } from '../mongo/read-model.indexes';
import { ViewAliases } from '../mongo/view-aliases';
import { readModelCollections } from '../projection/projection-target';
import type { PlayerDetailsDocument } from '../projection/read-model.documents';
import { PlayerViewReader } from '../queries/player-view.reader';
import { PlayerStateCache } from '../store/player-state.cache';
import { ReadModelWriter } from '../store/read-model.writer';
import { randomHistories } from '../testing';
import { PlayerViewCache } from './player-view.cache';

const EXPIRE_UNLESS_PENDING = `if redis.call('HEXISTS', KEYS[1], 'p') == 0 then return redis.call('DEL', KEYS[1]) end return 0`;

const view = (playerId: string, version: number): PlayerView => ({
  playerId,
  name: 'Aria',
  level: 1,
  xp: version,
  health: 100,
  maxHealth: 100,
  roomId: 'room.a',
  inventory: {},
  alive: true,
  version,
  updatedAt: '2025-01-01T00:00:00.000Z',
});

describe('PlayerViewCache on the real Redis', () => {
  let redis: Redis;
  let cache: PlayerViewCache;

  beforeAll(() => {
    redis = createRedis();
    cache = new PlayerViewCache(redis, {
      keyPrefix: `${uniqueName('qf-cache-test')}:`,
      ttlMs: 60_000,
    });
  });

  afterAll(() => redis.disconnect());

  it('an older view never replaces a newer one, and entries carry a TTL', async () => {
    const id = uniqueName('p');
    expect(await cache.fill(view(id, 3))).toBe(true);
    expect(await cache.fill(view(id, 2))).toBe(false);
    expect(await cache.fill(view(id, 3))).toBe(false);
    await cache.publish([view(id, 1)]);
    expect(await cache.read(id)).toEqual({ hit: true, view: view(id, 3) });
    const ttl = await redis.pttl(cache.key(id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('marks and publishes many players per script call with the same guards as one by one', async () => {
    const ids = Array.from({ length: 1200 }, () => uniqueName('p'));
    await cache.publish(ids.map((id) => view(id, 2)));
    await cache.markPending(ids.map((id, i) => ({ playerId: id, version: i % 2 === 0 ? 4 : 1 })));
    // Even players: v4 pending hides v2; odd players: a pending v1 is below the cached v2, not marked.
    expect((await cache.read(ids[0]!)).hit).toBe(false);
    expect(await cache.read(ids[1]!)).toEqual({ hit: true, view: view(ids[1]!, 2) });
    await cache.publish(ids.map((id, i) => view(id, i % 2 === 0 ? 4 : 1)));
    const reads = await Promise.all(ids.map((id) => cache.read(id)));
    expect(reads.filter((read) => read.hit)).toHaveLength(ids.length);
    expect(reads.map((read) => (read.hit ? read.view.version : 0))).toEqual(
      ids.map((_id, i) => (i % 2 === 0 ? 4 : 2)),
    );
    expect(await redis.hget(cache.key(ids[0]!), 'p')).toBeNull();
    expect(await redis.pttl(cache.key(ids[ids.length - 1]!))).toBeGreaterThan(0);
  });

  it('a pending version hides the older cached view until a view at least that new arrives', async () => {
    const id = uniqueName('p');
    await cache.fill(view(id, 4));
    await cache.markPending([{ playerId: id, version: 6 }]);
    expect(await cache.read(id)).toEqual({ hit: false });
    await cache.fill(view(id, 5)); // a reader that read Mongo before the write: stored, still hidden
    expect(await cache.read(id)).toEqual({ hit: false });
    await cache.publish([view(id, 6)]);
    expect(await cache.read(id)).toEqual({ hit: true, view: view(id, 6) });
    expect(await redis.hget(cache.key(id), 'p')).toBeNull();
  });
});

// The property the cache exists for: a read never answers older than Mongo was when the
// read began, while a projector writes and many readers read (and fill) at the same time.
describe('cache + Mongo under concurrent writes and reads', () => {
  let client: MongoClient;
  let db: Db;
  let redis: Redis;

  beforeAll(async () => {
    client = await createMongoClient().connect();
    db = client.db(uniqueName('qf_rm_cache').replace(/-/g, '_'));
    await ensureReadModelIndexes(db, readModelCollections());
    redis = createRedis();
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
    redis?.disconnect();
  });

  it('never serves a version older than the one Mongo had when the read began', async () => {
    const collections = readModelCollections();
    const cache = new PlayerViewCache(redis, {
      keyPrefix: `qf:${db.databaseName}:player:`,
      ttlMs: 60_000,
    });
    const writer = new ReadModelWriter(
      new MongoReadModelStore(db, collections),
      new PlayerStateCache(100),
      cache,
    );
    const reader = new PlayerViewReader(
      new ReadModelRepository(db, new ViewAliases(db, 60_000)),
      cache,
      { maxWaitMs: 0, pollMs: 1 },
    );
    const details = db.collection<PlayerDetailsDocument>(collections.playerDetails);
    const log = randomHistories({ players: 3, commandsPerPlayer: 60, seed: 5 });
    const players = [...new Set(log.map((event) => event.metadata.aggregateId))];

    let writing = true;
    const violations: string[] = [];
    let reads = 0;
    const write = async () => {
      // One small batch at a time, so versions move while the readers read.
      try {
        for (let start = 0; start < log.length; start += 3)
          await writer.apply(log.slice(start, start + 3) as PlayerEvent[]);
      } finally {
        writing = false;
      }
    };
    const read = async (worker: number) => {
      for (let i = worker; writing; i += 1) {
        const playerId = players[i % players.length]!;
        // An expiry, so the next reads miss and fill. Only an entry without a pending mark can
        // expire here: marking refreshes the TTL (60 s), far longer than a batch write.
        if (i % 7 === 0) await redis.eval(EXPIRE_UNLESS_PENDING, 1, cache.key(playerId));
        const before = (await details.findOne({ _id: playerId }))?.version ?? 0;
        const got = await reader.get(playerId);
        reads += 1;
        if ((got?.version ?? 0) < before)
          violations.push(`${playerId}: Mongo had v${before}, read gave v${got?.version}`);
      }
    };
    await Promise.all([write(), ...Array.from({ length: 6 }, (_, worker) => read(worker))]);
    expect(reads).toBeGreaterThan(50);
    expect(violations).toEqual([]);
  });

  it('falls back to Mongo when Redis is down, and counts it in qf_cache_fallback_total', async () => {
    const collections = readModelCollections();
    // Nothing listens on port 1: every command fails at once, as with Redis down.
    const down = new IORedis({
      port: 1,
      host: '127.0.0.1',
      enableOfflineQueue: false,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    down.on('error', () => undefined);
    const cache = new PlayerViewCache(down, { keyPrefix: 'unused:', ttlMs: 1000 });
    const log = randomHistories({ players: 1, commandsPerPlayer: 5, seed: 9 });
    await new ReadModelWriter(new MongoReadModelStore(db, collections), undefined, cache).apply(
      log,
    );
    const reader = new PlayerViewReader(new ReadModelRepository(db, new ViewAliases(db)), cache, {
      maxWaitMs: 0,
      pollMs: 1,
    });
    const { metricsRegistry } = await import('@qf/shared-observability');
    const fallbacks = async () =>
      (await metricsRegistry.getSingleMetric('qf_cache_fallback_total')?.get())?.values.find(
        (v) => v.labels['reason'] === 'read',
      )?.value ?? 0;
    const before = await fallbacks();
    const got = await reader.get(log[0]!.metadata.aggregateId);
    expect(got?.version).toBe(log.length);
    expect(await fallbacks()).toBe(before + 1);
    down.disconnect();
  });
});
