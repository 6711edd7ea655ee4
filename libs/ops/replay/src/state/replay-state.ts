import type { ReplayPlan } from '../plan/replay-plan';
import type { ReplayTarget, ReplayView } from '../plan/replay-target';

/**
 * Where a rebuild is. Forward only: building -> caught-up (the group reached the target
 * offsets and the live head) -> switched (readers follow the new generation) -> dropped
 * (the grace is over, the old generation is gone: finished). An in-place rebuild goes
 * from building to done. A rebuild given up on is abandoned.
 */
export type ReplayStatus = 'building' | 'caught-up' | 'switched' | 'dropped' | 'done' | 'abandoned';

/** blue-green: a new generation beside the serving one; in-place: the live group and collections, with downtime. */
export type ReplayMode = 'blue-green' | 'in-place';

const ORDER: readonly ReplayStatus[] = ['building', 'caught-up', 'switched', 'dropped'];

/** Whether a replay in this status is over (a rerun starts a new generation). */
export const isFinished = (status: ReplayStatus): boolean =>
  status === 'dropped' || status === 'done' || status === 'abandoned';

/** Whether status may follow current: forward along the order, done from building, abandoned before the end. */
export const canAdvance = (current: ReplayStatus, next: ReplayStatus): boolean => {
  if (isFinished(current)) return false;
  if (next === 'abandoned') return true;
  if (next === 'done') return current === 'building';
  return ORDER.indexOf(next) > ORDER.indexOf(current);
};

/** The end offset of one partition the rebuild must reach before it may be called caught up. */
export interface PartitionOffset {
  readonly partition: number;
  readonly offset: number;
}

/** One rebuild in `view_replays`: its plan and how far it got. */
export interface ReplayStateDocument extends ReplayPlan {
  readonly _id: string;
  readonly mode: ReplayMode;
  readonly status: ReplayStatus;
  /** The high watermarks when the rebuild began: the "total" of its progress. */
  readonly targetEnd: readonly PartitionOffset[];
  /** view -> the collection readers used before the switch (recorded just before it; dropped after the grace). */
  readonly previous?: Readonly<Record<string, string>>;
  /** How many times a run worked on it (1 = never interrupted). */
  readonly runs: number;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly caughtUpAt?: string;
  readonly switchedAt?: string;
  readonly droppedAt?: string;
  /** In place: when the live collections were dropped and the live group reset (not redone on a resume). */
  readonly resetAt?: string;
  /** Old collections left in place (--keep-old). */
  readonly kept?: readonly string[];
}

/** What a run does with the unfinished replays it finds. */
export type RunDecision =
  | { readonly action: 'start' }
  | { readonly action: 'resume'; readonly state: ReplayStateDocument }
  | { readonly action: 'conflict'; readonly state: ReplayStateDocument };

const sameViews = (a: readonly ReplayView[], b: readonly ReplayView[]) =>
  a.length === b.length && a.every((view) => b.includes(view));

/**
 * Resume the unfinished rebuild of the same views (same generation, same group, so its
 * committed offsets carry on); refuse when an unfinished rebuild of other but
 * overlapping views exists (two generations would race for the same aliases).
 */
export const decideRun = (
  target: ReplayTarget,
  mode: ReplayMode,
  unfinished: readonly ReplayStateDocument[],
): RunDecision => {
  const mine = unfinished.find(
    (state) =>
      state.mode === mode && state.kind === target.kind && sameViews(state.views, target.views),
  );
  if (mine) return { action: 'resume', state: mine };
  const overlapping = unfinished.find((state) =>
    state.views.some((view) => target.views.includes(view)),
  );
  if (overlapping) return { action: 'conflict', state: overlapping };
  return { action: 'start' };
};
