import type { PlayerView } from '@qf/contracts';
import { initialState, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import { leaderboardDocument } from '../projection/leaderboard.projection';
import { groupByPlayer, projectPlayer, type PlayerChange, type UnappliableEvent } from '../projection/player-change';
import { playerDetailsDocument, stateFromPlayerDetails } from '../projection/player-details.projection';
import { playerEventDocument } from '../projection/player-events.projection';
import { playerViewFromState } from '../projection/player-view.mapper';
import type {
  LeaderboardDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';
import { roomOccupancyDocument } from '../projection/room-occupancy.projection';
import { PlayerStateCache } from './player-state.cache';
import type { PlayerDetailsWrite, ReadModelStore } from './read-model.store.port';
import type { ViewCacheWriter } from './view-cache.port';

/** What applying one batch did. */
export interface BatchOutcome {
  /** Events folded above the version the read models had. */
  readonly applied: number;
  /** Events at or below it (redeliveries, replays): no effect. */
  readonly skipped: number;
  /** Events the fold threw on: to be dead-lettered. */
  readonly failed: readonly UnappliableEvent[];
  /** The players touched, with the state their read models now reflect. */
  readonly states: ReadonlyMap<string, PlayerState>;
}

/** Another writer kept moving the same players (an ownership overlap during a rebalance); retriable. */
export class ConcurrentWriterError extends Error {
  readonly retriable = true;
  constructor(readonly playerIds: readonly string[]) {
    super(`player_details of ${playerIds.length} player(s) kept changing under this projector`);
  }
}

/**
 * Applies batches of events to the read models, idempotently.
 *
 * 1. Per player, the fold starts from the state player_details reflects (from this
 *    instance's cache, else read) and skips events at or below its version.
 * 2. player_details is written first, as a compare-and-set on that version. A refused
 *    write means the cache was stale or another projector got there first: reload,
 *    fold again. So player_details always equals the fold of the log up to its version.
 * 3. Only then are the derived views written from the verified states, each guarded by
 *    "stored version < mine" (events: "absent"). They are written for every player of the
 *    batch, not only the changed ones, so a crash between step 2 and 3 is repaired by
 *    the redelivery that follows it.
 */
export class ReadModelWriter {
  constructor(
    private readonly store: ReadModelStore,
    private readonly states: PlayerStateCache = new PlayerStateCache(0),
    private readonly cache?: ViewCacheWriter,
    private readonly maxAttempts = 5,
  ) {}

  async apply(events: readonly PlayerEvent[]): Promise<BatchOutcome> {
    const groups = groupByPlayer(events);
    const finals = new Map<string, PlayerChange>();
    let pending = [...groups.keys()];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > this.maxAttempts) throw new ConcurrentWriterError(pending);
      const bases = await this.loadBases(pending, attempt > 1);
      const changes = pending.map((id) => projectPlayer(bases.get(id) ?? initialState(id), groups.get(id) ?? []));
      const conflicts = await this.writeDetails(changes);
      for (const change of changes) {
        if (conflicts.has(change.playerId)) {
          this.states.delete(change.playerId);
          continue;
        }
        finals.set(change.playerId, change);
        if (change.state.registered) this.states.set(change.state);
      }
      pending = [...conflicts];
    }
    const changes = [...finals.values()];
    await this.store.writeDerivedViews(derivedWrites(changes, events));
    await this.cache?.publish(
      changes.filter((change) => change.state.registered).map((change): PlayerView => playerViewFromState(change.state)),
    );
    return {
      applied: changes.reduce((sum, change) => sum + change.applied.length, 0),
      skipped: changes.reduce((sum, change) => sum + change.skipped, 0),
      failed: changes.flatMap((change) => change.failed),
      states: new Map(changes.map((change) => [change.playerId, change.state])),
    };
  }

  /** Forgets every cached state (on rebalance, or after a failed batch). */
  forgetStates(): void {
    this.states.clear();
  }

  private async loadBases(playerIds: readonly string[], reload: boolean): Promise<Map<string, PlayerState>> {
    const bases = new Map<string, PlayerState>();
    const missing: string[] = [];
    for (const id of playerIds) {
      const cached = reload ? undefined : this.states.get(id);
      if (cached) bases.set(id, cached);
      else missing.push(id);
    }
    if (missing.length > 0) {
      for (const doc of await this.store.loadPlayerDetails(missing)) bases.set(doc._id, stateFromPlayerDetails(doc));
    }
    return bases;
  }

  private async writeDetails(changes: readonly PlayerChange[]): Promise<Set<string>> {
    const writes: PlayerDetailsWrite[] = [];
    for (const change of changes) {
      if (change.state.version <= change.base.version) continue;
      const doc = playerDetailsDocument(change.state);
      if (doc) writes.push({ expectedVersion: change.base.version, doc });
    }
    if (writes.length === 0) return new Set();
    await this.cache?.markPending(writes.map(({ doc }) => ({ playerId: doc._id, version: doc.version })));
    return this.store.writePlayerDetails(writes);
  }
}

const derivedWrites = (changes: readonly PlayerChange[], events: readonly PlayerEvent[]) => {
  const roomOccupancy: RoomOccupancyDocument[] = [];
  const leaderboard: LeaderboardDocument[] = [];
  for (const { state } of changes) {
    const room = roomOccupancyDocument(state);
    const rank = leaderboardDocument(state);
    if (room) roomOccupancy.push(room);
    if (rank) leaderboard.push(rank);
  }
  // Every event of the batch the fold accepted (or had already folded), once each: an
  // index entry missed by a crash is filled by the redelivery.
  const failed = new Set(changes.flatMap((change) => change.failed.map(({ event }) => event)));
  const playerEvents = new Map<string, PlayerEventDocument>();
  for (const event of events) {
    if (failed.has(event)) continue;
    const doc = playerEventDocument(event);
    if (!playerEvents.has(doc._id)) playerEvents.set(doc._id, doc);
  }
  return { roomOccupancy, leaderboard, playerEvents: [...playerEvents.values()] };
};
