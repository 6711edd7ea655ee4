import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { createLogger } from '@qf/shared-observability';
import { onlyDuplicateKeyErrors } from '../audit/audit-log';
import { COLLECTIONS } from '../collections';
import { crudMetrics } from '../crud-metrics';

/**
 * "This player's outbox may have entries": one small document per player, in its own
 * collection, so the relay finds pending outboxes by reading this short list and then
 * goes to the players by _id. A hint is only a hint: the outbox inside the player
 * document stays the truth (written atomically with the state), a missing hint only
 * delays an entry until the relay's periodic sweep of the players collection, and a
 * stale one costs the relay one _id lookup.
 *
 * Why a collection of its own: a server without secondary indexes (mongo-java-server
 * serves only _id and unique indexes, and those only for exact-key filters) answers
 * "documents with a pending outbox" by scanning every player, under the collection lock
 * the writers need; a scan per relay round then throttles the whole write path.
 */
export interface OutboxHintDocument {
  readonly _id: string;
  /** The highest player version marked: the relay removes the hint only once it has published up to it. */
  readonly version: number;
  /** When the hint appeared; the relay serves the oldest first. */
  readonly since: Date;
}

const log = createLogger(process.env['QF_SERVICE'] ?? 'crud-service', 'outbox-hints');

export const outboxHintsCollection = (db: Db): Collection<OutboxHintDocument> =>
  db.collection<OutboxHintDocument>(COLLECTIONS.outboxHints);

/** The upsert that marks playerId pending up to version (keeps the highest version and the first time). */
export const markHintWrite = (
  playerId: string,
  version: number,
  now: Date,
): AnyBulkWriteOperation<OutboxHintDocument> => ({
  updateOne: {
    filter: { _id: playerId },
    update: { $max: { version }, $setOnInsert: { since: now } },
    upsert: true,
  },
});

/**
 * Removes a hint once everything up to `version` is published. A command that wrote a
 * later version marks a higher version (or marks again after this delete), so its
 * entries keep (or get back) their hint.
 */
export const clearHintWrite = (
  playerId: string,
  version: number,
): AnyBulkWriteOperation<OutboxHintDocument> => ({
  deleteOne: { filter: { _id: playerId, version: { $lte: version } } },
});

/**
 * crud-service's side: marks players whose outbox it just wrote. Marks are gathered
 * while one write is in flight and sent together (one unordered bulk upsert), so the
 * command path never waits for them and the database sees one request per flush, not
 * one per command.
 */
export class OutboxHintWriter {
  private readonly collection: Collection<OutboxHintDocument>;
  private pending = new Map<string, number>();
  private flushing?: Promise<void>;

  constructor(db: Db) {
    this.collection = outboxHintsCollection(db);
  }

  /** Marks playerId pending up to version; returns at once. */
  mark(playerId: string, version: number): void {
    this.pending.set(playerId, Math.max(version, this.pending.get(playerId) ?? 0));
    this.flushing ??= this.drain();
  }

  /** Resolves once every mark made so far was sent (or failed and was logged). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const batch = this.pending;
        this.pending = new Map();
        await this.send(batch);
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async send(batch: ReadonlyMap<string, number>): Promise<void> {
    const now = new Date();
    const operations = [...batch].map(([playerId, version]) =>
      markHintWrite(playerId, version, now),
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.collection.bulkWrite(operations, { ordered: false });
        return;
      } catch (error) {
        // Two writers upserting the same new hint at once: one gets E11000 (the hint is
        // there now, its version maybe lower); sending the marks again settles it.
        if (attempt < 3 && onlyDuplicateKeyErrors(error)) continue;
        crudMetrics.outboxHintFailures.inc(operations.length);
        log.warn('could not write outbox hints; the relay sweep will find these outboxes', {
          players: operations.length,
          error: (error as Error).message,
        });
        return;
      }
    }
  }
}
