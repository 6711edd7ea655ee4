import type { Db } from 'mongodb';
import {
  readModelCollections,
  viewOfCollectionKey,
  type ReadModelCollections,
  type ViewName,
} from '../projection/projection-target';

/** One document per view in `view_aliases`: which collection readers use for it. */
export interface ViewAliasDocument {
  readonly _id: ViewName;
  readonly collection: string;
  readonly updatedAt: string;
}

export const VIEW_ALIASES_COLLECTION = 'view_aliases';

/**
 * The active collection of each view. A rebuild writes new versioned collections, then
 * points the alias at them (setActiveView); readers pick the switch up within refreshMs.
 * A view without an alias document reads its unsuffixed default collection.
 */
export class ViewAliases {
  private cached?: { at: number; collections: Promise<ReadModelCollections> };

  constructor(
    private readonly db: Db,
    private readonly refreshMs = 5000,
    private readonly defaults: ReadModelCollections = readModelCollections(),
  ) {}

  collections(now = Date.now()): Promise<ReadModelCollections> {
    if (!this.cached || now - this.cached.at >= this.refreshMs) {
      const collections = this.load();
      // A failed lookup is not cached: the next query tries again.
      collections.catch(() => (this.cached = undefined));
      this.cached = { at: now, collections };
    }
    return this.cached.collections;
  }

  private async load(): Promise<ReadModelCollections> {
    const aliases = await this.db
      .collection<ViewAliasDocument>(VIEW_ALIASES_COLLECTION)
      .find({})
      .toArray();
    const active = new Map(aliases.map((alias) => [alias._id, alias.collection]));
    const entries = (Object.keys(viewOfCollectionKey) as (keyof ReadModelCollections)[]).map(
      (key) => [key, active.get(viewOfCollectionKey[key]) ?? this.defaults[key]],
    );
    return Object.fromEntries(entries) as unknown as ReadModelCollections;
  }
}

/** Points readers of view at collection (one atomic single-document write). */
export const setActiveView = async (
  db: Db,
  view: ViewName,
  collection: string,
  now = new Date(),
): Promise<void> => {
  await db
    .collection<ViewAliasDocument>(VIEW_ALIASES_COLLECTION)
    .replaceOne({ _id: view }, { collection, updatedAt: now.toISOString() }, { upsert: true });
};
