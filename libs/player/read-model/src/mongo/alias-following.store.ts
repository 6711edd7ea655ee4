import type { Db } from 'mongodb';
import type { ReadModelCollections } from '../projection/projection-target';
import type {
  DerivedViewWrites,
  PlayerDetailsWrite,
  ReadModelStore,
} from '../store/read-model.store.port';
import type { PlayerDetailsDocument } from '../projection/read-model.documents';
import { MongoReadModelStore } from './mongo-read-model.store';
import type { ViewAliases } from './view-aliases';

const keyOf = (c: ReadModelCollections) =>
  `${c.playerDetails}|${c.roomOccupancy}|${c.leaderboard}|${c.playerEvents}`;

/**
 * The live projector's store: every operation goes to the collections the view aliases
 * name at that moment, so after `qf replay` switches a view the live projector writes
 * the new generation (within the aliases' refresh). An operation that straddles the
 * switch is safe: player_details is a compare-and-set, so a base read from the old
 * generation and written to the new one is refused and reloaded; the derived views are
 * guarded by version.
 */
export class AliasFollowingReadModelStore implements ReadModelStore {
  private readonly stores = new Map<string, MongoReadModelStore>();

  constructor(
    private readonly db: Db,
    private readonly aliases: ViewAliases,
  ) {}

  private async current(): Promise<MongoReadModelStore> {
    const collections = await this.aliases.collections();
    const key = keyOf(collections);
    let store = this.stores.get(key);
    if (!store) {
      store = new MongoReadModelStore(this.db, collections);
      this.stores.set(key, store);
    }
    return store;
  }

  async loadPlayerDetails(playerIds: readonly string[]): Promise<PlayerDetailsDocument[]> {
    return (await this.current()).loadPlayerDetails(playerIds);
  }

  async writePlayerDetails(writes: readonly PlayerDetailsWrite[]): Promise<Set<string>> {
    return (await this.current()).writePlayerDetails(writes);
  }

  async writeDerivedViews(writes: DerivedViewWrites): Promise<void> {
    return (await this.current()).writeDerivedViews(writes);
  }
}
