import type { Db } from 'mongodb';
import { COLLECTIONS } from '../collections';

/** The collection of the view aliases (shared with the ES read models' ViewAliases). */
const VIEW_ALIASES = 'view_aliases';

/**
 * The audit log's current collection, from its alias document `{_id: 'audit_log',
 * collection}` in `view_aliases` (absent: `audit_log`). `qf replay audit_log` rebuilds
 * into `audit_log_v<n>` and then switches the alias; readers and the audit consumer pick
 * the switch up within refreshMs. A failed lookup is not cached.
 */
export const followAuditLogAlias = (db: Db, refreshMs = 5000): (() => Promise<string>) => {
  let cached: { at: number; name: Promise<string> } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at >= refreshMs) {
      const name = db
        .collection<{ _id: string; collection: string }>(VIEW_ALIASES)
        .findOne({ _id: COLLECTIONS.auditLog })
        .then((alias) => alias?.collection ?? COLLECTIONS.auditLog);
      name.catch(() => (cached = undefined));
      cached = { at: now, name };
    }
    return cached.name;
  };
};
