import { initialState, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import {
  groupByPlayer,
  playerEventDocument,
  projectPlayer,
  type PlayerEventDocument,
} from '@qf/player-read-model';

/** An event the fold cannot use (not decodable, or the fold threw on it), with the record it came from. */
export interface FoldLetter<R> {
  readonly record: R;
  readonly error: unknown;
}

/** What one write round of a partition must store before its offset may be committed. */
export interface FoldRound<R> {
  /** The players changed since the last round, at the state they reached. */
  readonly states: readonly PlayerState[];
  /** player_events documents not handed to an earlier write. */
  readonly eventDocs: readonly PlayerEventDocument[];
  readonly letters: readonly FoldLetter<R>[];
  /** Commit this after the round is stored. */
  readonly nextOffset: string;
  /** Events folded into this round. */
  readonly events: number;
}

interface Player {
  state: PlayerState;
  /** The version the store is known to hold for this player (0: none). */
  stored: number;
}

/**
 * The fold of one partition during a rebuild, kept in memory: every event is folded as
 * it is fetched (so memory is one state per player, not the events), and a write round
 * takes only the players changed since the last one. The fold starts a player from "no
 * state" when its events here begin at version 1 (a rebuild from offset 0); any other
 * player needs its stored state first (basesNeeded / seed). The compare-and-set of the
 * writes catches a wrong start (a document written by an earlier run or another
 * replica): see settle().
 */
export class PartitionFold<R> {
  private readonly players = new Map<string, Player>();
  private dirty = new Set<string>();
  private eventDocs: PlayerEventDocument[] = [];
  private letters: FoldLetter<R>[] = [];
  private folded = 0;

  constructor(private readonly options: { readonly playerEvents: boolean }) {}

  /** The events of a batch by player, in the order the fold takes them. */
  group(events: readonly PlayerEvent[]): Map<string, PlayerEvent[]> {
    return groupByPlayer(events);
  }

  /** Players of a batch this fold cannot start without their stored state (met after their version 1). */
  basesNeeded(groups: ReadonlyMap<string, readonly PlayerEvent[]>): string[] {
    const needed: string[] = [];
    for (const [id, events] of groups) {
      if (this.players.has(id)) continue;
      if (!events.some((event) => event.metadata.version === 1)) needed.push(id);
    }
    return needed;
  }

  /** Stored states read for basesNeeded (players without one start from nothing). */
  seed(states: readonly PlayerState[]): void {
    for (const state of states)
      if (!this.players.has(state.id)) this.players.set(state.id, { state, stored: state.version });
  }

  /**
   * Folds a batch (grouped by group()); recordOf finds the record of an event the fold
   * throws on, for its dead letter (called only then).
   */
  fold(
    groups: ReadonlyMap<string, readonly PlayerEvent[]>,
    recordOf: (event: PlayerEvent) => R,
  ): void {
    let count = 0;
    for (const [id, events] of groups) {
      count += events.length;
      const player = this.players.get(id) ?? { state: initialState(id), stored: 0 };
      const change = projectPlayer(player.state, events);
      if (change.state !== player.state) {
        player.state = change.state;
        this.dirty.add(id);
      }
      this.players.set(id, player);
      const failed = change.failed.length > 0 ? new Set<PlayerEvent>() : undefined;
      for (const { event, error } of change.failed) {
        failed?.add(event);
        this.letters.push({ record: recordOf(event), error });
      }
      // Every event the fold accepted or had already folded gets its index entry (insert
      // if absent), so an entry a crash missed is filled by the redelivery.
      if (this.options.playerEvents)
        for (const event of events)
          if (!failed?.has(event)) this.eventDocs.push(playerEventDocument(event));
    }
    this.folded += count;
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

  /** Hands the waiting player_events documents to an early write (they need no order). */
  takeEventDocs(): PlayerEventDocument[] {
    const docs = this.eventDocs;
    this.eventDocs = [];
    return docs;
  }

  /** Everything to store before nextOffset may be committed; the fold goes on from here. */
  takeRound(nextOffset: string): FoldRound<R> {
    const states = [...this.dirty].map((id) => (this.players.get(id) as Player).state);
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
}
