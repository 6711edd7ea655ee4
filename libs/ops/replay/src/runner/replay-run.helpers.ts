import type { Db } from 'mongodb';
import type { ReadModelCollections, ViewName } from '@qf/player-read-model';
import type { ReplayPlan } from '../plan/replay-plan';
import { AUDIT_LOG_VIEW, type ReplayView } from '../plan/replay-target';
import type { ReplayStateDocument } from '../state/replay-state';
import { ReplayConflictError } from './replay-errors';

export const abortableSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Every ES read model a fold writes, for a plan: rebuilt views in their new collections, the rest unwritten. */
export const esCollectionsOf = (
  plan: Pick<ReplayPlan, 'collections' | 'version'>,
  fallback: (view: ViewName) => string,
): ReadModelCollections => {
  const of = (view: ViewName) => plan.collections[view] ?? fallback(view);
  return {
    playerDetails: of('player_details'),
    roomOccupancy: of('room_occupancy'),
    leaderboard: of('leaderboard'),
    playerEvents: of('player_events'),
  };
};

export const esViewsOf = (views: readonly ReplayView[]): Set<ViewName> =>
  new Set(views.filter((view): view is ViewName => view !== AUDIT_LOG_VIEW));

export const dropCollection = async (db: Db, name: string): Promise<boolean> => {
  try {
    return await db.collection(name).drop();
  } catch (error) {
    if (
      (error as { codeName?: string; code?: number }).code === 26 ||
      /ns not found/i.test(String((error as Error).message))
    )
      return false;
    throw error;
  }
};

export const progressTotal = (state: ReplayStateDocument) =>
  state.targetEnd.reduce((sum, { offset }) => sum + offset, 0);

export const conflict = (state: ReplayStateDocument) =>
  new ReplayConflictError(
    `replay ${state._id} (${state.views.join(', ')}, ${state.mode}) is unfinished (${state.status}): ` +
      `finish it with \`qf replay ${state.target}${state.mode === 'in-place' ? ' --in-place' : ''}\`` +
      (state.status === 'building' || state.status === 'caught-up'
        ? ` or give it up with \`qf replay ${state.target} --abandon\``
        : ''),
  );
