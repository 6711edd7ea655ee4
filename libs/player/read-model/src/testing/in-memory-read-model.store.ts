import type {
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';
import type {
  DerivedViewWrites,
  PlayerDetailsWrite,
  ReadModelStore,
} from '../store/read-model.store.port';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * A ReadModelStore in memory with the same guards as the Mongo one: player_details is a
 * compare-and-set on the version (0 = absent), the derived views replace only an older
 * version, events are inserted only when absent. For unit and property tests.
 */
export class InMemoryReadModelStore implements ReadModelStore {
  readonly playerDetails = new Map<string, PlayerDetailsDocument>();
  readonly roomOccupancy = new Map<string, RoomOccupancyDocument>();
  readonly leaderboard = new Map<string, LeaderboardDocument>();
  readonly playerEvents = new Map<string, PlayerEventDocument>();

  async loadPlayerDetails(playerIds: readonly string[]): Promise<PlayerDetailsDocument[]> {
    return playerIds.flatMap((id) => {
      const doc = this.playerDetails.get(id);
      return doc ? [clone(doc)] : [];
    });
  }

  async writePlayerDetails(writes: readonly PlayerDetailsWrite[]): Promise<Set<string>> {
    const conflicts = new Set<string>();
    for (const { expectedVersion, doc } of writes) {
      const stored = this.playerDetails.get(doc._id)?.version ?? 0;
      if (stored === expectedVersion) this.playerDetails.set(doc._id, clone(doc));
      else conflicts.add(doc._id);
    }
    return conflicts;
  }

  async writeDerivedViews(writes: DerivedViewWrites): Promise<void> {
    replaceOlder(this.roomOccupancy, writes.roomOccupancy);
    replaceOlder(this.leaderboard, writes.leaderboard);
    for (const doc of writes.playerEvents)
      if (!this.playerEvents.has(doc._id)) this.playerEvents.set(doc._id, clone(doc));
  }

  /** Every collection as plain sorted arrays, for whole-store equality checks. */
  snapshot() {
    const sorted = <T extends { _id: string }>(map: Map<string, T>) =>
      [...map.values()].sort((a, b) => a._id.localeCompare(b._id));
    return {
      playerDetails: sorted(this.playerDetails),
      roomOccupancy: sorted(this.roomOccupancy),
      leaderboard: sorted(this.leaderboard),
      playerEvents: sorted(this.playerEvents),
    };
  }
}

const replaceOlder = <T extends { _id: string; version: number }>(
  map: Map<string, T>,
  docs: readonly T[],
): void => {
  for (const doc of docs) {
    const stored = map.get(doc._id);
    if (!stored || stored.version < doc.version) map.set(doc._id, clone(doc));
  }
};
