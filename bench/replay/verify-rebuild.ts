import type { Db } from 'mongodb';
import { readModelCollections } from '@qf/player-read-model';
import { expectedReadModels, readModelSnapshot } from '@qf/player-read-model/testing';
import { parseReplayTarget } from '@qf/replay';
import { generatedLog } from './fill-topic';
import type { ReplayBenchOptions, ReplayRow } from './replay-bench.types';

/** The snapshot's key of each rebuildable ES view. */
const SNAPSHOT_KEYS = {
  player_details: 'playerDetails',
  room_occupancy: 'roomOccupancy',
  leaderboard: 'leaderboard',
  player_events: 'playerEvents',
} as const;

/**
 * True when every view the rebuild wrote equals a fold of the generated log, cut at the
 * events on the topic (the audit log is CRUD's: never equal here).
 */
export const verifyRebuild = async (
  db: Db,
  options: ReplayBenchOptions,
  events: number,
  rebuild: ReplayRow,
): Promise<boolean> => {
  const expected = expectedReadModels([...generatedLog(options)].slice(0, events));
  const snapshot = await readModelSnapshot(
    db,
    readModelCollections(`v${rebuild.outcome.id.split('@v')[1]}`),
  );
  return parseReplayTarget(options.view).views.every(
    (view) =>
      view !== 'audit_log' &&
      JSON.stringify(snapshot[SNAPSHOT_KEYS[view]]) ===
        JSON.stringify(expected[SNAPSHOT_KEYS[view]]),
  );
};
