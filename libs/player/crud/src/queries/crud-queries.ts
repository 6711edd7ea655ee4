import { fold, fromStoredPlayer } from '@qf/player-domain';
import { isTransientDatabaseError } from '../document/transient-errors';
import {
  afterLeaderboardPosition,
  decodeCursor,
  historyNextLink,
  LEADERBOARD_CURSOR,
  leaderboardNextLink,
  pageOf,
  ROOM_CURSOR,
  roomNextLink,
  type LeaderboardCursor,
  type RoomCursor,
  playerNotFound,
  serviceUnavailable,
  type HistoryView,
  type LeaderboardView,
  type PlayerView,
  type RoomOccupancyView,
  type StateAtView,
} from '@qf/contracts';
import { toEventView } from '@qf/player-wire';
import { gaplessPrefix, type AuditLog } from '../audit/audit-log';
import { stateToView, VIEW_PROJECTION, type PlayerDocument } from '../document/player-document';
import type { PlayerRepository } from '../document/player-repository';

type ViewDocument = Pick<PlayerDocument, keyof typeof VIEW_PROJECTION>;

/** A dropped database connection is a retriable 503, not an internal error. */
const unavailableOnTransient = async <T>(read: () => Promise<T>): Promise<T> => {
  try {
    return await read();
  } catch (error) {
    if (isTransientDatabaseError(error))
      throw serviceUnavailable('mongo', (error as Error).message);
    throw error;
  }
};

/**
 * The CRUD side's reads: current state straight from the live documents (always up to
 * date, so read-your-writes needs no waiting), history and time travel from audit_log,
 * folded with the same domain evolve the ES side folds its event log with.
 */
export class CrudQueries {
  /** Server-side time limit of each document read (maxTimeMS): past it the request answers 504. */
  private readonly limit: { maxTimeMS?: number };

  constructor(
    private readonly players: PlayerRepository,
    private readonly auditLog: AuditLog,
    options: { maxTimeMS?: number } = {},
  ) {
    this.limit = options.maxTimeMS === undefined ? {} : { maxTimeMS: options.maxTimeMS };
  }

  player(playerId: string): Promise<PlayerView> {
    return unavailableOnTransient(() => this.readPlayer(playerId));
  }

  room(roomId: string, limit: number, after?: string): Promise<RoomOccupancyView> {
    return unavailableOnTransient(() => this.readRoom(roomId, limit, after));
  }

  leaderboard(limit: number, after?: string): Promise<LeaderboardView> {
    return unavailableOnTransient(() => this.readLeaderboard(limit, after));
  }

  history(playerId: string, fromVersion: number, limit: number): Promise<HistoryView> {
    return unavailableOnTransient(() => this.readHistory(playerId, fromVersion, limit));
  }

  stateAt(playerId: string, asOf: { version: number } | { at: string }): Promise<StateAtView> {
    return unavailableOnTransient(() => this.readStateAt(playerId, asOf));
  }

  private view(doc: ViewDocument): PlayerView {
    return stateToView(fromStoredPlayer(doc._id, doc));
  }

  private async readPlayer(playerId: string): Promise<PlayerView> {
    const doc = await this.players.collection.findOne<ViewDocument>(
      { _id: playerId },
      { projection: VIEW_PROJECTION, ...this.limit },
    );
    if (!doc) throw playerNotFound(playerId);
    return this.view(doc);
  }

  private async readRoom(
    roomId: string,
    limit: number,
    after?: string,
  ): Promise<RoomOccupancyView> {
    const from =
      after === undefined ? undefined : decodeCursor<RoomCursor>(after, ROOM_CURSOR).playerId;
    const docs = await this.players.collection
      .find<ViewDocument>(
        { roomId, ...(from !== undefined && { _id: { $gt: from } }) },
        { projection: VIEW_PROJECTION, ...this.limit },
      )
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    const page = pageOf(docs, limit, (last) => roomNextLink(roomId, limit, last._id));
    return {
      roomId,
      next: page.next,
      players: page.items.map((doc) => {
        const { playerId, name, level, health, alive, inventory, version } = this.view(doc);
        return { playerId, name, level, health, alive, inventory, version };
      }),
    };
  }

  private async readLeaderboard(limit: number, after?: string): Promise<LeaderboardView> {
    const cursor =
      after === undefined ? undefined : decodeCursor<LeaderboardCursor>(after, LEADERBOARD_CURSOR);
    const firstRank = (cursor?.rank ?? 0) + 1;
    const docs = await this.players.collection
      .find<Pick<PlayerDocument, '_id' | 'name' | 'level' | 'xp'>>(
        cursor ? afterLeaderboardPosition(cursor) : {},
        { projection: { _id: 1, name: 1, level: 1, xp: 1 }, ...this.limit },
      )
      .sort({ level: -1, xp: -1, _id: 1 })
      .limit(limit + 1)
      .toArray();
    const entries = docs.map((doc, index) => ({
      rank: firstRank + index,
      playerId: doc._id,
      name: doc.name,
      level: doc.level,
      xp: doc.xp,
    }));
    const page = pageOf(entries, limit, (last) => leaderboardNextLink(limit, last));
    return { next: page.next, entries: page.items };
  }

  private async readHistory(
    playerId: string,
    fromVersion: number,
    limit: number,
  ): Promise<HistoryView> {
    // The current version bounds which entries can exist, so they are looked up by key.
    const current = await this.currentVersion(playerId);
    if (current === undefined) throw playerNotFound(playerId);
    const events = await this.auditLog.history(playerId, fromVersion, limit + 1, current);
    const page = pageOf(events, limit, (last) =>
      historyNextLink(playerId, limit, last.metadata.version),
    );
    return { playerId, next: page.next, events: page.items.map(toEventView) };
  }

  private async readStateAt(
    playerId: string,
    asOf: { version: number } | { at: string },
  ): Promise<StateAtView> {
    // Only a gapless prefix folds into a true past state; a later event still on its way
    // through the relay and the consumer just is not part of the answer yet.
    const current = await this.currentVersion(playerId);
    if (current === undefined) throw playerNotFound(playerId);
    const events = gaplessPrefix(await this.auditLog.eventsUpTo(playerId, asOf, current));
    if (events.length === 0) throw playerNotFound(playerId);
    return { playerId, asOf, state: stateToView(fold(playerId, events)) };
  }

  private async currentVersion(playerId: string): Promise<number | undefined> {
    const doc = await this.players.collection.findOne<Pick<PlayerDocument, 'version'>>(
      { _id: playerId },
      { projection: { _id: 0, version: 1 }, ...this.limit },
    );
    return doc?.version;
  }
}
