import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { VIEW_ALIASES_COLLECTION } from '@qf/player-read-model';
import { versionOfCollection } from '../plan/versioned-names';

/** The alias document shape the query service (ViewAliases) and the CRUD service read: one per view. */
interface AliasDocument {
  readonly _id: string;
  readonly collection: string;
  readonly updatedAt: string;
}

const aliases = (db: Db) => db.collection<AliasDocument>(VIEW_ALIASES_COLLECTION);

/** view -> the collection readers use now (its alias, else the plain view name). */
export const activeCollections = async (
  db: Db,
  views: readonly string[],
): Promise<Record<string, string>> => {
  const docs = await aliases(db)
    .find({ _id: { $in: [...views] } })
    .toArray();
  const active = new Map(docs.map((doc) => [doc._id, doc.collection]));
  return Object.fromEntries(views.map((view) => [view, active.get(view) ?? view]));
};

/** The generations the aliases point at (any view). */
export const aliasVersions = async (db: Db): Promise<number[]> => {
  const docs = await aliases(db).find({}).toArray();
  return docs
    .map((doc) => versionOfCollection(doc._id, doc.collection))
    .filter((version): version is number => version !== null);
};

/**
 * Points each view at its new collection. Each alias is one document, so each view
 * switches atomically; the views of one rebuild go in one bulk write, and a reader that
 * refreshes between two of them sees two correct generations, never a half-written one.
 */
export const switchAliases = async (
  db: Db,
  mapping: Readonly<Record<string, string>>,
  now = new Date(),
): Promise<void> => {
  const operations = Object.entries(mapping).map(
    ([view, collection]): AnyBulkWriteOperation<AliasDocument> => ({
      replaceOne: {
        filter: { _id: view },
        replacement: { collection, updatedAt: now.toISOString() },
        upsert: true,
      },
    }),
  );
  if (operations.length > 0) await aliases(db).bulkWrite(operations, { ordered: true });
};
