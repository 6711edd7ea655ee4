import type { Db } from 'mongodb';
import { AuditLog } from '@qf/player-crud';
import { ensureReadModelIndexes } from '@qf/player-read-model';
import { AUDIT_LOG_VIEW } from '../plan/replay-target';
import type { ReplayStateDocument } from '../state/replay-state';
import { activeCollections } from '../state/view-alias.store';
import { esCollectionsOf, abortableSleep } from './replay-run.helpers';

/** The indexes of a generation's collections, before readers switch to them. */
const buildIndexes = async (db: Db, state: ReplayStateDocument): Promise<void> => {
  if (state.kind === 'crud') {
    await new AuditLog(db, state.collections[AUDIT_LOG_VIEW] as string).ensureIndexes();
    return;
  }
  // Views not rebuilt keep their serving collections (already indexed; createIndex is idempotent).
  const active = await activeCollections(db, [
    'player_details',
    'room_occupancy',
    'leaderboard',
    'player_events',
  ]);
  await ensureReadModelIndexes(
    db,
    esCollectionsOf(state, (view) => active[view] as string),
  );
};

/**
 * Builds them, retrying a failed build three times with a doubling pause (2, 4, 8 s): an
 * index build that meets a restarting database should not throw away a finished rebuild.
 */
export const ensureGenerationIndexes = async (
  db: Db,
  state: ReplayStateDocument,
  options: { readonly signal?: AbortSignal; readonly onRetry: (message: string) => void },
): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await buildIndexes(db, state);
    } catch (error) {
      if (attempt >= 4 || options.signal?.aborted) throw error;
      options.onRetry(`building the indexes failed (${(error as Error).message}); retrying`);
      await abortableSleep(2000 * 2 ** (attempt - 1), options.signal);
    }
  }
};
