/** A decided command as the index holds it: its ledger line, parsed only when a retry asks for it. */
export interface IndexedCommand {
  readonly commandId: string;
  readonly playerId: string;
  /** The ledger line (ledger-line.ts): hash and outcome. */
  readonly line: string;
  /** When it was decided (ms since the epoch, the processor's clock). */
  readonly at: number;
  /** The entry of another player that used the same command id (ids are unique per player only). */
  next: IndexedCommand | undefined;
}

export interface IdempotencyIndexOptions {
  /** A command id is remembered this long after its decision (QF_IDEMPOTENCY_HORIZON_MS). */
  readonly horizonMs: number;
  /** At most this many ids are held; past it the oldest go before their horizon. */
  readonly maxEntries: number;
  readonly onEvicted?: (reason: 'expired' | 'bound', count: number) => void;
}

/**
 * The command ids one slot decided within the idempotency horizon, by command id and player.
 * Entries leave in the order they came (decision order, so oldest first): when older than
 * the horizon, or earlier when the index is full (then a retry of that id would be decided
 * as a new command: `onEvicted('bound')` counts them, and `oldestAt` shows the horizon
 * actually kept). Held per slot, so a slot handed to another processor takes its ids along
 * (restored from the ledger topic).
 */
export class IdempotencyIndex {
  private readonly byId = new Map<string, IndexedCommand>();
  private queue: Array<IndexedCommand | undefined> = [];
  private head = 0;

  constructor(private readonly options: IdempotencyIndexOptions) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** When the oldest remembered command was decided (undefined: none). */
  get oldestAt(): number | undefined {
    return this.queue[this.head]?.at;
  }

  find(playerId: string, commandId: string): IndexedCommand | undefined {
    for (let entry = this.byId.get(commandId); entry; entry = entry.next)
      if (entry.playerId === playerId) return entry;
    return undefined;
  }

  /** Remembers a decided command (the caller never adds an id twice for one player). */
  add(commandId: string, playerId: string, line: string, at: number): void {
    const entry: IndexedCommand = {
      commandId,
      playerId,
      line,
      at,
      next: this.byId.get(commandId),
    };
    this.byId.set(commandId, entry);
    this.queue.push(entry);
    if (this.size > this.options.maxEntries)
      this.evict(this.size - this.options.maxEntries, 'bound');
  }

  /** Forgets what was decided before now − horizon. */
  expire(now: number): void {
    const limit = now - this.options.horizonMs;
    let count = 0;
    while (
      this.head + count < this.queue.length &&
      (this.queue[this.head + count]?.at ?? 0) < limit
    )
      count += 1;
    if (count > 0) this.evict(count, 'expired');
  }

  private evict(count: number, reason: 'expired' | 'bound'): void {
    for (let index = 0; index < count; index += 1) {
      const entry = this.queue[this.head] as IndexedCommand;
      this.queue[this.head] = undefined;
      this.head += 1;
      this.unlink(entry);
    }
    // Drop the consumed front once it is most of the array (amortised O(1) per entry).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.options.onEvicted?.(reason, count);
  }

  private unlink(entry: IndexedCommand): void {
    const first = this.byId.get(entry.commandId);
    if (first === entry) {
      if (entry.next) this.byId.set(entry.commandId, entry.next);
      else this.byId.delete(entry.commandId);
      return;
    }
    for (let previous = first; previous; previous = previous.next) {
      if (previous.next === entry) {
        previous.next = entry.next;
        return;
      }
    }
  }
}
