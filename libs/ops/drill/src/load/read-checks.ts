import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { readModelCollections } from '@qf/player-read-model';
import type { DrillClient } from './drill-client';

/** What the reads saw while the fault was on. */
export interface ReadFindings {
  readonly reads: number;
  /** No answer or 5xx: the read path did not serve. */
  readonly failed: number;
  /** A view older than the one Mongo held just before the read (a stale cache entry). */
  readonly stale: number;
  readonly examples: readonly string[];
}

/**
 * Reads players through the query service while the drill runs, each read preceded by a
 * look at the version Mongo holds: the answer must never be older than that (the cache
 * may only lag the database, never show an older view once the database moved on).
 */
export const runReadChecks = async (options: {
  client: DrillClient;
  db: Db;
  playerIds: () => readonly string[];
  rate: number;
  until: () => boolean;
}): Promise<ReadFindings> => {
  const details = options.db.collection<{ _id: string; version: number }>(
    readModelCollections().playerDetails,
  );
  let reads = 0;
  let failed = 0;
  let stale = 0;
  const examples: string[] = [];
  const pending = new Set<Promise<void>>();
  const readOne = async (playerId: string) => {
    const before = await details
      .findOne({ _id: playerId }, { projection: { version: 1 } })
      .catch(() => null);
    if (!before) return; // not projected yet, or Mongo not answering: nothing to compare with
    const { status, body } = await options.client.get(`/players/${playerId}`);
    reads += 1;
    if (status === 0 || status >= 500) {
      failed += 1;
      return;
    }
    const served = status === 200 ? Number((body as { version?: unknown }).version ?? 0) : 0;
    if (served >= before.version) return;
    stale += 1;
    if (examples.length < 5)
      examples.push(
        `player ${playerId}: served v${served} (HTTP ${status}) while Mongo already held v${before.version}`,
      );
  };
  while (!options.until()) {
    const ids = options.playerIds();
    if (ids.length > 0) {
      const read = readOne(ids[Math.floor(Math.random() * ids.length)] as string);
      pending.add(read);
      void read.finally(() => pending.delete(read));
    }
    await sleep(1000 / options.rate);
  }
  await Promise.all(pending);
  return { reads, failed, stale, examples };
};
