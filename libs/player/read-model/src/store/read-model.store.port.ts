import type {
  LeaderboardDocument,
  PlayerDetailsDocument,
  PlayerEventDocument,
  RoomOccupancyDocument,
} from '../projection/read-model.documents';

/** A compare-and-set write of player_details: applies only while the stored version is expectedVersion (0 = no document). */
export interface PlayerDetailsWrite {
  readonly expectedVersion: number;
  readonly doc: PlayerDetailsDocument;
}

/** The derived views of one batch; each document is written only over an older version (events: only when absent). */
export interface DerivedViewWrites {
  readonly roomOccupancy: readonly RoomOccupancyDocument[];
  readonly leaderboard: readonly LeaderboardDocument[];
  readonly playerEvents: readonly PlayerEventDocument[];
}

/**
 * Where the read models live (Mongo in production, memory in unit tests). Every write is
 * version-guarded, so a write the store refuses is "already applied" or "someone else
 * was first", never an error.
 */
export interface ReadModelStore {
  /** The player_details documents of these players that exist. */
  loadPlayerDetails(playerIds: readonly string[]): Promise<PlayerDetailsDocument[]>;
  /** Applies the CAS writes; resolves to the ids whose stored version was not the expected one. */
  writePlayerDetails(writes: readonly PlayerDetailsWrite[]): Promise<Set<string>>;
  /** Applies the guarded derived writes (one bulk write per collection). */
  writeDerivedViews(writes: DerivedViewWrites): Promise<void>;
}

export const READ_MODEL_STORE = Symbol('ReadModelStore');
