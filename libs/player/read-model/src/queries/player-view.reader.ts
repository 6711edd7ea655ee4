import type { PlayerView } from '@qf/contracts';
import { counter, histogram } from '@qf/shared-observability';
import type { PlayerViewCache } from '../cache/player-view.cache';
import { playerViewFromDetails } from '../projection/player-view.mapper';
import type { ReadModelRepository } from '../mongo/read-model.repository';

const cacheReads = counter({
  name: 'qf_cache_reads_total',
  help: 'Player-view cache lookups by result',
  labelNames: ['result'],
});
const cacheFallbacks = counter({
  name: 'qf_cache_fallback_total',
  help: 'Queries answered from Mongo because Redis failed (read) or could not be filled (fill)',
  labelNames: ['reason'],
});
const minVersionWaits = counter({
  name: 'qf_min_version_waits_total',
  help: 'minVersion reads by outcome',
  labelNames: ['outcome'],
});
const minVersionWait = histogram({
  name: 'qf_min_version_wait_seconds',
  help: 'Time a minVersion read waited for the read model',
});

/** How long a minVersion read may wait, and how often it looks again meanwhile. */
export interface MinVersionWait {
  readonly maxWaitMs: number;
  readonly pollMs: number;
}

export const PLAYER_VIEW_READER = Symbol('PlayerViewReader');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads a player view: Redis first, then Mongo (filling Redis through the
 * compare-version script, so a fill never replaces a newer cached view). Redis failures
 * fall back to Mongo and are counted; Mongo failures propagate (the query fails).
 */
export class PlayerViewReader {
  constructor(
    private readonly repository: ReadModelRepository,
    private readonly cache: PlayerViewCache | undefined,
    private readonly wait: MinVersionWait,
  ) {}

  /**
   * The player's view, or null when the read model has no such player. With minVersion
   * it waits (at most maxWaitMs) until the view reaches that version, then answers with
   * whatever version it has: the view's `version` field says which.
   */
  async get(playerId: string, minVersion?: number): Promise<PlayerView | null> {
    const first = await this.readOnce(playerId, true);
    if (minVersion === undefined || (first && first.version >= minVersion)) return first;
    const started = Date.now();
    const deadline = started + this.wait.maxWaitMs;
    let view = first;
    while (Date.now() < deadline) {
      await sleep(Math.min(this.wait.pollMs, Math.max(0, deadline - Date.now())));
      // Mongo directly: the cache can only lag it (a projector whose cache write failed).
      view = await this.readOnce(playerId, false);
      if (view && view.version >= minVersion) {
        minVersionWaits.inc({ outcome: 'reached' });
        minVersionWait.observe((Date.now() - started) / 1000);
        return view;
      }
    }
    minVersionWaits.inc({ outcome: 'timeout' });
    minVersionWait.observe((Date.now() - started) / 1000);
    return view;
  }

  private async readOnce(playerId: string, cacheFirst: boolean): Promise<PlayerView | null> {
    let cacheUp = this.cache !== undefined;
    if (this.cache && cacheFirst) {
      try {
        const cached = await this.cache.read(playerId);
        cacheReads.inc({ result: cached.hit ? 'hit' : 'miss' });
        if (cached.hit) return cached.view;
      } catch {
        cacheFallbacks.inc({ reason: 'read' });
        cacheUp = false;
      }
    }
    const doc = await this.repository.playerDetails(playerId);
    if (!doc) return null;
    const view = playerViewFromDetails(doc);
    if (this.cache && cacheUp) {
      try {
        await this.cache.fill(view);
      } catch {
        cacheFallbacks.inc({ reason: 'fill' });
      }
    }
    return view;
  }
}
