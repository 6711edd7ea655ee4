import type { ReplayStateDocument } from '../state/replay-state';
import { ReplayRun } from './replay-run';
import type { ReplayDeps, ReplayOptions, ReplayOutcome } from './replay-run.types';

export type { ReplayDeps, ReplayOptions, ReplayOutcome } from './replay-run.types';

const withRun = async <T>(
  deps: ReplayDeps,
  options: ReplayOptions,
  work: (run: ReplayRun) => Promise<T>,
): Promise<T> => {
  const admin = deps.kafka.admin();
  await admin.connect();
  const run = new ReplayRun(deps, options, admin);
  try {
    return await work(run);
  } finally {
    await run.close().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
};

/**
 * Blue-green rebuild: a new versioned collection set and consumer group from offset 0,
 * while the serving generation keeps answering; when caught up, switch the aliases; after
 * the grace, drop the old generation. A rerun resumes an interrupted rebuild.
 */
export const runReplay = (deps: ReplayDeps, options: ReplayOptions): Promise<ReplayOutcome> =>
  withRun(deps, options, (run) => run.blueGreen());

/**
 * In-place rebuild: drop the live collections of the views and reset the live group to
 * offset 0, then rebuild with that group here (the live consumers must be stopped:
 * readers see incomplete views until it is done).
 */
export const runInPlaceReplay = (
  deps: ReplayDeps,
  options: ReplayOptions,
): Promise<ReplayOutcome> => withRun(deps, options, (run) => run.inPlace());

/** Gives up the unfinished (not yet switched) rebuild of options.target: drops its collections and group. */
export const abandonReplay = (
  deps: ReplayDeps,
  options: ReplayOptions,
): Promise<ReplayStateDocument> => withRun(deps, options, (run) => run.abandon());
