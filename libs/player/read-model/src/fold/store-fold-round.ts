import type { PlayerState } from '@qf/player-domain';
import { leaderboardDocument } from '../projection/leaderboard.projection';
import {
  playerDetailsDocument,
  stateFromPlayerDetails,
} from '../projection/player-details.projection';
import type { PlayerDetailsDocument } from '../projection/read-model.documents';
import type { ViewName } from '../projection/projection-target';
import { roomOccupancyDocument } from '../projection/room-occupancy.projection';
import type { PlayerDetailsWrite, ReadModelStore } from '../store/read-model.store.port';
import type { FoldRound, PlayerFold } from './player-fold';

/** Another writer kept moving the same players (an ownership overlap during a rebalance); retriable. */
export class ConcurrentWriterError extends Error {
  readonly code = 'PROJECTION.CONCURRENT_WRITER';
  readonly retriable = true;
  constructor(readonly playerIds: readonly string[]) {
    super(`player_details of ${playerIds.length} player(s) kept changing under this projector`);
  }
}

/** Every view of the ES read model. */
export const ALL_VIEWS: ReadonlySet<ViewName> = new Set([
  'player_details',
  'room_occupancy',
  'leaderboard',
  'player_events',
]);

export interface StoreFoldRoundOptions {
  /** The views written besides player_details (always written: it is the base a fold starts from). */
  readonly views?: ReadonlySet<ViewName>;
  readonly maxAttempts?: number;
  /** Runs before each player_details write with its writes (the live cache marks them pending). */
  readonly beforeDetails?: (writes: readonly PlayerDetailsWrite[]) => Promise<void>;
}

/** What storing a round did. */
export interface StoredRound {
  /** player_details writes sent, retries included. */
  readonly playerWrites: number;
  /** The round's players at the state the store now reflects for them. */
  readonly settled: readonly PlayerState[];
  /** Players whose write was refused, with the version the store held then. */
  readonly overtaken: ReadonlyMap<string, number>;
}

const present = <T>(value: T | null): value is T => value !== null;

/**
 * Stores one round of a fold. player_details first, as compare-and-sets on the version
 * the store is known to hold; a refused one (an earlier run or another replica wrote
 * the player) is settled against the stored document and written again when ours is
 * further. Then the derived views from the settled states and the round's index
 * entries, every write guarded by version, so storing a round twice is harmless.
 * Three bulk writes in all when nothing is refused (the derived ones run together).
 */
export const storeFoldRound = async <R>(
  store: ReadModelStore,
  fold: PlayerFold<R>,
  round: FoldRound<R>,
  options: StoreFoldRoundOptions = {},
): Promise<StoredRound> => {
  const { views = ALL_VIEWS, maxAttempts = 5 } = options;
  let playerWrites = 0;
  const finals = new Map<string, PlayerState>();
  for (const state of round.states) finals.set(state.id, state);
  const overtaken = new Map<string, number>();
  let pending = round.states.filter(
    (state) => state.registered && state.version > fold.storedVersion(state.id),
  );
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > maxAttempts) throw new ConcurrentWriterError(pending.map((state) => state.id));
    const writes = pending.map((state) => ({
      expectedVersion: fold.storedVersion(state.id),
      doc: playerDetailsDocument(state) as PlayerDetailsDocument,
    }));
    await options.beforeDetails?.(writes);
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
      overtaken.set(state.id, theirs?.version ?? 0);
      const again = fold.settle(state, theirs);
      if (!again && theirs) finals.set(state.id, theirs);
      return again;
    });
  }
  const settled = [...finals.values()];
  const eventDocs = views.has('player_events') ? round.eventDocs : [];
  if (views.has('room_occupancy') || views.has('leaderboard') || eventDocs.length > 0)
    await store.writeDerivedViews({
      roomOccupancy: views.has('room_occupancy')
        ? settled.map(roomOccupancyDocument).filter(present)
        : [],
      leaderboard: views.has('leaderboard') ? settled.map(leaderboardDocument).filter(present) : [],
      playerEvents: eventDocs,
    });
  return { playerWrites, settled, overtaken };
};
