import type { PlayerView } from '@qf/contracts';
import type { PlayerEvent, PlayerState } from '@qf/player-domain';
import { PlayerFold } from '../fold/player-fold';
import { storeFoldRound } from '../fold/store-fold-round';
import type { UnappliableEvent } from '../projection/player-change';
import { stateFromPlayerDetails } from '../projection/player-details.projection';
import { playerViewFromState } from '../projection/player-view.mapper';
import { PlayerStateCache } from './player-state.cache';
import type { ReadModelStore } from './read-model.store.port';
import type { ViewCacheWriter } from './view-cache.port';

export { ConcurrentWriterError } from '../fold/store-fold-round';

/** What applying one batch did. */
export interface BatchOutcome {
  /** Events folded above the version the read models had. */
  readonly applied: number;
  /** Events at or below it (redeliveries, replays): no effect. */
  readonly skipped: number;
  /** Events the fold threw on: to be dead-lettered. */
  readonly failed: readonly UnappliableEvent[];
  /** The players written, with the state their read models now reflect. */
  readonly states: ReadonlyMap<string, PlayerState>;
}

/**
 * Applies batches of events to the read models, idempotently: the live projector's
 * round. The fold (PlayerFold, shared with the rebuild) remembers the states this
 * instance wrote, so a steady stream reads nothing; a player met for the first time
 * starts from nothing when the batch holds its version 1, else from its stored
 * player_details. Each batch is then one round (storeFoldRound):
 *
 * 1. player_details, as a compare-and-set on the version the store is known to hold. A
 *    refused write (a stale memory, another projector first, a document of an earlier
 *    run) is settled against the stored document, so player_details always equals the
 *    fold of the log up to its version.
 * 2. Only then the derived views from the settled states, each guarded by "stored
 *    version < mine" (events: "absent"), for every changed player and every player
 *    started from the store, so a crash between 1 and 2 is repaired by the redelivery.
 *
 * The `states` argument only sets how many player states are remembered (0 = none).
 */
export class ReadModelWriter {
  private readonly fold = new PlayerFold<PlayerEvent>({ playerEvents: true });

  constructor(
    private readonly store: ReadModelStore,
    private readonly states: PlayerStateCache = new PlayerStateCache(0),
    private readonly cache?: ViewCacheWriter,
    private readonly maxAttempts = 5,
  ) {}

  async apply(events: readonly PlayerEvent[]): Promise<BatchOutcome> {
    try {
      return await this.applyOnce(events);
    } catch (error) {
      // Memory may now be ahead of the store (folded, not written): the retry starts
      // from what is stored, or it would skip the unwritten events as already folded.
      this.fold.forget();
      throw error;
    }
  }

  /** Forgets every remembered state (on rebalance, or after a failed batch). */
  forgetStates(): void {
    this.fold.forget();
  }

  private async applyOnce(events: readonly PlayerEvent[]): Promise<BatchOutcome> {
    const fold = this.fold;
    const groups = fold.group(events);
    const needed = fold.basesNeeded(groups);
    if (needed.length > 0)
      fold.seed((await this.store.loadPlayerDetails(needed)).map(stateFromPlayerDetails));
    // Folding and taking the round are one synchronous step: batches of other partitions
    // applied meanwhile (other players) never mix into this round.
    const before = new Map<string, number>();
    for (const id of groups.keys()) before.set(id, fold.versionOf(id));
    fold.fold(groups, (event) => event);
    const round = fold.takeRound();
    const { settled, overtaken } = await storeFoldRound(this.store, fold, round, {
      maxAttempts: this.maxAttempts,
      ...(this.cache && {
        beforeDetails: (writes) =>
          this.cache?.markPending(
            writes.map(({ doc }) => ({ playerId: doc._id, version: doc.version })),
          ) ?? Promise.resolve(),
      }),
    });
    await this.cache?.publish(
      settled
        .filter((state) => state.registered)
        .map((state): PlayerView => playerViewFromState(state)),
    );
    fold.trim(this.states.capacity);
    const failed = round.letters.map(({ record, error }) => ({ event: record, error }));
    return {
      ...countApplied(groups, before, overtaken, new Set(failed.map(({ event }) => event))),
      failed,
      states: new Map(settled.map((state) => [state.id, state])),
    };
  }
}

/**
 * Events above the version the store held before this batch (what the fold started
 * from, or what a refused write found there) count as applied; the others as skipped.
 */
const countApplied = (
  groups: ReadonlyMap<string, readonly PlayerEvent[]>,
  before: ReadonlyMap<string, number>,
  overtaken: ReadonlyMap<string, number>,
  failed: ReadonlySet<PlayerEvent>,
): { applied: number; skipped: number } => {
  let applied = 0;
  let skipped = 0;
  for (const [id, events] of groups) {
    const floor = Math.max(overtaken.get(id) ?? 0, before.get(id) ?? 0);
    for (const event of events) {
      if (failed.has(event)) continue;
      if (event.metadata.version > floor) applied += 1;
      else skipped += 1;
    }
  }
  return { applied, skipped };
};
