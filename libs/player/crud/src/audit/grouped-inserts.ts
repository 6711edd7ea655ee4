import { auditMetrics } from '../crud-metrics';
import type { AuditLog, AuditLogDocument } from './audit-log';

interface Waiting {
  readonly docs: readonly AuditLogDocument[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for the audit consumer: the batches of all partitions that arrive while an
 * insert is in flight go to the database together, as the next insert. One partition's
 * batch at a light load is a handful of events; an insert per batch would cost a request
 * (and the server a commit) per handful. Each caller's promise settles with the insert
 * that carried its documents, so a caller still commits its offsets only after its own
 * documents were stored.
 */
export class GroupedAuditInserts {
  private waiting: Waiting[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly auditLog: Pick<AuditLog, 'insertIdempotent'>) {}

  insert(docs: readonly AuditLogDocument[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ docs, resolve, reject });
      this.flushing ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        try {
          const docs = group.flatMap((waiter) => waiter.docs);
          const { duplicates } = await this.auditLog.insertIdempotent(docs);
          auditMetrics.stored.inc(docs.length - duplicates);
          auditMetrics.duplicates.inc(duplicates);
          for (const waiter of group) waiter.resolve();
        } catch (error) {
          for (const waiter of group) waiter.reject(error);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
