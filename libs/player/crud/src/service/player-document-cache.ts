import type { PlayerDocument } from '../document/player-document';

/** What the command path needs of a player document: its state and recent commands (not the outbox). */
export type CachedPlayer = Pick<
  PlayerDocument,
  Exclude<keyof PlayerDocument, 'outbox' | 'outboxLease'>
>;

/**
 * The player documents this process wrote last, so the next command of a player can be
 * decided without reading the document first. It is only ever a guess at the stored
 * document: the write that follows is guarded by the version it carries, so a copy made
 * stale by another process fails that guard and the executor reads the document then.
 * Least recently used entries go first once `capacity` is reached (0 disables it).
 */
export class PlayerDocumentCache {
  private readonly entries = new Map<string, CachedPlayer>();

  constructor(readonly capacity: number) {}

  get(playerId: string): CachedPlayer | undefined {
    const doc = this.entries.get(playerId);
    if (doc === undefined) return undefined;
    // Map keeps insertion order: moving the entry to the end makes the first one the oldest.
    this.entries.delete(playerId);
    this.entries.set(playerId, doc);
    return doc;
  }

  set(doc: CachedPlayer): void {
    if (this.capacity <= 0) return;
    this.entries.delete(doc._id);
    this.entries.set(doc._id, doc);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(playerId: string): void {
    this.entries.delete(playerId);
  }

  get size(): number {
    return this.entries.size;
  }
}
