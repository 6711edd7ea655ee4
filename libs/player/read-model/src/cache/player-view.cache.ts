import type { PlayerView } from '@qf/contracts';
import type Redis from 'ioredis';
import type { Result } from 'ioredis';
import { counter } from '@qf/shared-observability';
import type { PendingVersion, ViewCacheWriter } from '../store/view-cache.port';
import { MARK_PENDING_SCRIPT, SET_IF_NEWER_SCRIPT } from './cache-scripts';

/** The player-view cache namespace of a database: one per database, so test runs never share keys. */
export const cacheKeyPrefix = (databaseName: string): string => `qf:${databaseName}:player:`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    qfMarkPending(key: string, version: string, ttlMs: string): Result<number, Context>;
    qfSetIfNewer(key: string, version: string, body: string, ttlMs: string): Result<number, Context>;
  }
}

/** Settings of the player-view cache. */
export interface PlayerViewCacheOptions {
  /** Key prefix; one namespace per database, so tests and generations never share entries. */
  readonly keyPrefix: string;
  readonly ttlMs: number;
  /** Views kept for a retry after a failed cache write (bounded; beyond it the TTL bounds staleness). */
  readonly maxRetained?: number;
}

const writeFailures = counter({
  name: 'qf_cache_write_failures_total',
  help: 'Pipelined player-view cache writes of the projector that failed (the projection went on without the cache)',
  labelNames: ['operation'],
});

/** What a cache read found. */
export type CacheRead = { readonly hit: true; readonly view: PlayerView } | { readonly hit: false };

/**
 * The Redis cache of player views, shared by the projector (write-through) and the query
 * service (read, then fill on a miss). Writes go through compare-version scripts.
 */
export class PlayerViewCache implements ViewCacheWriter {
  private readonly retained = new Map<string, PlayerView>();

  constructor(
    private readonly redis: Redis,
    private readonly options: PlayerViewCacheOptions,
  ) {
    if (!redis.qfMarkPending) redis.defineCommand('qfMarkPending', { numberOfKeys: 1, lua: MARK_PENDING_SCRIPT });
    if (!redis.qfSetIfNewer) redis.defineCommand('qfSetIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER_SCRIPT });
  }

  key(playerId: string): string {
    return `${this.options.keyPrefix}${playerId}`;
  }

  /** The cached view, unless absent or a newer version is pending. Rejects when Redis fails. */
  async read(playerId: string): Promise<CacheRead> {
    const [version, body, pending] = await this.redis.hmget(this.key(playerId), 'v', 'b', 'p');
    if (version == null || body == null) return { hit: false };
    if (pending != null && Number(pending) > Number(version)) return { hit: false };
    return { hit: true, view: JSON.parse(body) as PlayerView };
  }

  /** Stores a view read from Mongo unless the cache holds a newer one. Rejects when Redis fails. */
  async fill(view: PlayerView): Promise<boolean> {
    return (await this.redis.qfSetIfNewer(this.key(view.playerId), String(view.version), JSON.stringify(view), String(this.options.ttlMs))) === 1;
  }

  async markPending(entries: readonly PendingVersion[]): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    const ttl = String(this.options.ttlMs);
    for (const { playerId, version } of entries) pipeline.qfMarkPending(this.key(playerId), String(version), ttl);
    await this.run(pipeline, 'mark-pending');
  }

  async publish(views: readonly PlayerView[]): Promise<void> {
    // Views a failed write left behind go first, each replaced by a newer one when there is one.
    const all = new Map(this.retained);
    for (const view of views) all.set(view.playerId, view);
    if (all.size === 0) return;
    const pipeline = this.redis.pipeline();
    const ttl = String(this.options.ttlMs);
    for (const view of all.values()) pipeline.qfSetIfNewer(this.key(view.playerId), String(view.version), JSON.stringify(view), ttl);
    if (await this.run(pipeline, 'publish')) {
      this.retained.clear();
      return;
    }
    this.retained.clear();
    for (const view of [...all.values()].slice(-(this.options.maxRetained ?? 100_000))) this.retained.set(view.playerId, view);
  }

  private async run(pipeline: ReturnType<Redis['pipeline']>, operation: string): Promise<boolean> {
    try {
      const results = (await pipeline.exec()) ?? [];
      if (results.some(([error]) => error)) throw results.find(([error]) => error)?.[0];
      return true;
    } catch {
      // The projection goes on without the cache; readers fall back to Mongo.
      writeFailures.inc({ operation });
      return false;
    }
  }
}
