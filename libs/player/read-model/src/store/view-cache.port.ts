import type { PlayerView } from '@qf/contracts';

/** A player and the version a write is about to make visible. */
export interface PendingVersion {
  readonly playerId: string;
  readonly version: number;
}

/**
 * The player-view cache as the projector sees it. markPending runs before the Mongo write
 * and publish after it, so a reader never takes a cached view older than what Mongo
 * already holds. Implementations never throw: a cache outage must not stop the projection.
 */
export interface ViewCacheWriter {
  markPending(entries: readonly PendingVersion[]): Promise<void>;
  publish(views: readonly PlayerView[]): Promise<void>;
}
