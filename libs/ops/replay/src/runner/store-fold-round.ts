import type { PlayerState } from '@qf/player-domain';
import {
  leaderboardDocument,
  playerDetailsDocument,
  roomOccupancyDocument,
  stateFromPlayerDetails,
  type PlayerDetailsDocument,
  type ReadModelStore,
  type ViewName,
} from '@qf/player-read-model';
import type { FoldRound, PartitionFold } from './partition-fold';

/** Another writer kept moving the same players (a rebalance overlap); the round is retried. */
export class ConcurrentRebuildWriterError extends Error {
  readonly code = 'REPLAY.CONCURRENT_WRITER';
  readonly retriable = true;
}

const present = <T>(value: T | null): value is T => value !== null;

/**
 * Stores one round of a partition's fold. player_details first, as compare-and-sets on
 * the version the store is known to hold; a refused one (an earlier run or another
 * replica wrote the player) is settled against the stored document and written again
 * when ours is further. Then the derived views from the settled states and the round's
 * index entries, every write guarded by version, so storing a round twice is harmless.
 */
export const storeFoldRound = async <R>(
  store: ReadModelStore,
  fold: PartitionFold<R>,
  round: FoldRound<R>,
  views: ReadonlySet<ViewName>,
  maxAttempts = 5,
): Promise<{ playerWrites: number }> => {
  let playerWrites = 0;
  const finals = new Map<string, PlayerState>(round.states.map((state) => [state.id, state]));
  let pending = round.states.filter(
    (state) => state.registered && state.version > fold.storedVersion(state.id),
  );
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > maxAttempts)
      throw new ConcurrentRebuildWriterError(
        `player_details of ${pending.length} player(s) kept changing under the rebuild`,
      );
    const writes = pending.map((state) => ({
      expectedVersion: fold.storedVersion(state.id),
      doc: playerDetailsDocument(state) as PlayerDetailsDocument,
    }));
    const refused = await store.writePlayerDetails(writes);
    playerWrites += writes.length;
    for (const state of pending)
      if (!refused.has(state.id)) fold.markStored(state.id, state.version);
    if (refused.size === 0) break;
    const stored = new Map(
      (await store.loadPlayerDetails([...refused])).map((doc) => [
        doc._id,
        stateFromPlayerDetails(doc),
      ]),
    );
    pending = pending.filter((state) => {
      if (!refused.has(state.id)) return false;
      const theirs = stored.get(state.id) ?? null;
      const again = fold.settle(state, theirs);
      if (!again && theirs) finals.set(state.id, theirs);
      return again;
    });
  }
  const settled = [...finals.values()];
  await store.writeDerivedViews({
    roomOccupancy: views.has('room_occupancy')
      ? settled.map(roomOccupancyDocument).filter(present)
      : [],
    leaderboard: views.has('leaderboard') ? settled.map(leaderboardDocument).filter(present) : [],
    playerEvents: round.eventDocs,
  });
  return { playerWrites };
};
