import { initialState, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import { groupByPlayer, projectPlayer } from '../projection/player-change';
import { playerEventDocument } from '../projection/player-events.projection';
import type { PlayerEventDocument } from '../projection/read-model.documents';

/** An event the fold cannot use (not decodable, or the fold threw on it), with the record it came from. */
export interface FoldLetter<R> {
  readonly record: R;
  readonly error: unknown;
}

/** What one write round must store before the offsets it covers may be committed. */
export interface FoldRound<R> {
  /** The players to write: changed since the last round, or started from the store (their derived views may lag it). */
  readonly states: readonly PlayerState[];
  /** player_events documents not handed to an earlier write. */
  readonly eventDocs: readonly PlayerEventDocument[];
  readonly letters: readonly FoldLetter<R>[];
  /** Commit this after the round is stored ('' when the caller tracks offsets itself). */
  readonly nextOffset: string;
  /** Events folded into this round. */
  readonly events: number;
}

/** What folding one batch did, by the versions this fold knew (a refused write may move them). */
export interface FoldCounts {
  readonly applied: number;
  readonly skipped: number;
}

interface FoldedPlayer {
  state: PlayerState;
  /** The version the store is known to hold for this player (0: none). */
  stored: number;
}

/**
 * The fold of a stream of player events into read-model states, kept in memory between
 * writes: the one fold of the projector, live (ReadModelWriter: a round per fetched
 * chunk) and rebuild (RebuildConsumer: a round per many batches). Memory is one state per
 * player, not the events; a round takes only the players to write since the last one.
 *
 * A player whose events here begin at version 1 starts from nothing, without a read;
 * any other player not in memory needs its stored state first (basesNeeded / seed). The
 * compare-and-set of the writes (storeFoldRound) catches a wrong start, such as a
 * document written by an earlier run or another replica: see settle().
 */
export class PlayerFold<R> {
  private readonly players = new Map<string, FoldedPlayer>();
  private dirty = new Set<string>();
  private eventDocs: PlayerEventDocument[] = [];
  private letters: FoldLetter<R>[] = [];
  private folded = 0;

  constructor(private readonly options: { readonly playerEvents: boolean }) {}

  /** The events of a batch by player, in the order the fold takes them. */
  group(events: readonly PlayerEvent[]): Map<string, PlayerEvent[]> {
    return groupByPlayer(events);
  }

  /** Players of a batch this fold cannot start without their stored state (not in memory, met after their version 1). */
  basesNeeded(groups: ReadonlyMap<string, readonly PlayerEvent[]>): string[] {
    const needed: string[] = [];
    for (const [id, events] of groups) {
      if (this.players.has(id)) continue;
      if (!events.some((event) => event.metadata.version === 1)) needed.push(id);
    }
    return needed;
  }

  /**
   * Stored states read for basesNeeded (players without one start from nothing). A
   * seeded player is written in the next round even if no event changes it: a run
   * stopped between its player_details write and its derived views leaves those views
   * behind the stored state, and the redelivered events are all at or below it.
   */
  seed(states: readonly PlayerState[]): void {
    for (const state of states) {
      if (this.players.has(state.id)) continue;
      this.players.set(state.id, { state, stored: state.version });
      if (state.registered) this.dirty.add(state.id);
    }
  }

  /**
   * Folds a batch (grouped by group()); recordOf finds the record of an event the fold
   * throws on, for its dead letter (called only then).
   */
  fold(
    groups: ReadonlyMap<string, readonly PlayerEvent[]>,
    recordOf: (event: PlayerEvent) => R,
  ): FoldCounts {
    let count = 0;
    let applied = 0;
    let skipped = 0;
    for (const [id, events] of groups) {
      count += events.length;
      const known = this.players.get(id);
      const player = known ?? { state: initialState(id), stored: 0 };
      const change = projectPlayer(player.state, events);
      applied += change.applied.length;
      skipped += change.skipped;
      if (change.state !== player.state) {
        player.state = change.state;
        this.dirty.add(id);
      }
      // Most recently folded last: trim() forgets from the front.
      if (known) this.players.delete(id);
      this.players.set(id, player);
      let failed: Set<PlayerEvent> | undefined;
      for (const { event, error } of change.failed) {
        (failed ??= new Set()).add(event);
        this.letters.push({ record: recordOf(event), error });
      }
      // Every event the fold accepted or had already folded gets its index entry (insert
      // if absent), so an entry a crash missed is filled by the redelivery.
      if (this.options.playerEvents)
        for (const event of events)
          if (!failed?.has(event)) this.eventDocs.push(playerEventDocument(event));
    }
    this.folded += count;
    return { applied, skipped };
  }

  /** A record that is not an event at all. */
  reject(record: R, error: unknown): void {
    this.letters.push({ record, error });
  }

  /** Events folded since the last round. */
  get pendingEvents(): number {
    return this.folded;
  }

  /** player_events documents waiting to be written. */
  get pendingDocs(): number {
    return this.eventDocs.length;
  }

  get size(): number {
    return this.players.size;
  }

  /** The version of the player's state in memory (0: unknown or new). */
  versionOf(id: string): number {
    return this.players.get(id)?.state.version ?? 0;
  }

  /** Hands the waiting player_events documents to an early write (they need no order). */
  takeEventDocs(): PlayerEventDocument[] {
    const docs = this.eventDocs;
    this.eventDocs = [];
    return docs;
  }

  /** Everything to store before nextOffset may be committed; the fold goes on from here. */
  takeRound(nextOffset = ''): FoldRound<R> {
    const states: PlayerState[] = [];
    for (const id of this.dirty) {
      const player = this.players.get(id);
      if (player) states.push(player.state);
    }
    const round = {
      states,
      eventDocs: this.eventDocs,
      letters: this.letters,
      nextOffset,
      events: this.folded,
    };
    this.dirty = new Set();
    this.eventDocs = [];
    this.letters = [];
    this.folded = 0;
    return round;
  }

  /** The version the store holds for a player (the expected version of its next compare-and-set). */
  storedVersion(id: string): number {
    return this.players.get(id)?.stored ?? 0;
  }

  /** The store now holds version for the player (a write of ours, or one found by a refused write). */
  markStored(id: string, version: number): void {
    const player = this.players.get(id);
    if (player) player.stored = version;
  }

  /**
   * A compare-and-set was refused and the store holds `stored` (null: nothing). If the
   * store is at or past what we wrote (`ours`), it wins: the fold continues from it
   * unless it is itself further already. Otherwise ours wins, to be written again over
   * the stored version. Returns whether ours must be written again.
   *
   * Ours is a whole fold of the log up to its version (events of a partition arrive in
   * order, and memory is forgotten whenever that could break: a rebalance, a failed
   * write), so writing it over an older stored version is right.
   */
  settle(ours: PlayerState, stored: PlayerState | null): boolean {
    const player = this.players.get(ours.id);
    const storedVersion = stored?.version ?? 0;
    if (player) player.stored = storedVersion;
    if (stored && stored.version >= ours.version) {
      if (player && player.state.version < stored.version) player.state = stored;
      return false;
    }
    return true;
  }

  /** Forgets players with nothing unwritten, so memory stays bounded (they are read again when met). */
  evictClean(): void {
    for (const [id, player] of this.players)
      if (!this.dirty.has(id) && player.stored === player.state.version) this.players.delete(id);
  }

  /** Forgets the least recently folded players with nothing unwritten until at most max remain. */
  trim(max: number): void {
    if (this.players.size <= max) return;
    let excess = this.players.size - max;
    for (const [id, player] of this.players) {
      if (excess <= 0) break;
      if (this.dirty.has(id) || player.stored !== player.state.version) continue;
      this.players.delete(id);
      excess -= 1;
    }
  }

  /** Forgets every player (another writer may have moved them: a rebalance, a failed write). */
  forget(): void {
    this.players.clear();
    this.dirty = new Set();
  }
}
