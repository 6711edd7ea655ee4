/** A decided command as the index holds it: its ledger line, parsed only when a retry asks for it. */
export interface IndexedCommand {
  readonly playerId: string;
  /** The ledger line (ledger-line.ts): `["<commandId>","<playerId>",hash,outcome]`. */
  readonly line: string;
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
 * The key a line is held under: the command id as the line spells it, a slice of the line
 * (V8 keeps a short view into the line instead of a second copy of the id); the id itself
 * when JSON had to escape it.
 */
const keyOf = (commandId: string, line: string): string => {
  const key = line.slice(2, 2 + commandId.length);
  return key === commandId ? key : commandId;
};

/**
 * The command ids one slot decided within the idempotency horizon, by command id and player.
 * Entries leave in the order they came (decision order, so oldest first): when older than
 * the horizon, or earlier when the index is full (then a retry of that id would be decided
 * as a new command: `onEvicted('bound')` counts them, and `oldestAt` shows the horizon
 * actually kept). Held per slot, so a slot handed to another processor takes its ids along
 * (restored from the ledger topic). About 0.3 KB per id, most of it the ledger line.
 */
export class IdempotencyIndex {
  private readonly byId = new Map<string, IndexedCommand>();
  /** Entries in the order they came, with their decision times alongside (no boxed number per entry). */
  private queue: Array<IndexedCommand | undefined> = [];
  private keys: string[] = [];
  private times = new Float64Array(1024);
  private head = 0;

  constructor(private readonly options: IdempotencyIndexOptions) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** When the oldest remembered command was decided (undefined: none). */
  get oldestAt(): number | undefined {
    return this.size > 0 ? this.times[this.head] : undefined;
  }

  find(playerId: string, commandId: string): IndexedCommand | undefined {
    for (let entry = this.byId.get(commandId); entry; entry = entry.next)
      if (entry.playerId === playerId) return entry;
    return undefined;
  }

  /** Remembers a decided command (the caller never adds an id twice for one player). */
  add(commandId: string, playerId: string, line: string, at: number): void {
    const key = keyOf(commandId, line);
    const entry: IndexedCommand = { playerId, line, next: this.byId.get(key) };
    this.byId.set(key, entry);
    if (this.queue.length >= this.times.length) this.grow();
    this.times[this.queue.length] = at;
    this.queue.push(entry);
    this.keys.push(key);
    if (this.size > this.options.maxEntries)
      this.evict(this.size - this.options.maxEntries, 'bound');
  }

  /** Forgets what was decided before now − horizon. */
  expire(now: number): void {
    const limit = now - this.options.horizonMs;
    let count = 0;
    while (
      this.head + count < this.queue.length &&
      (this.times[this.head + count] as number) < limit
    )
      count += 1;
    if (count > 0) this.evict(count, 'expired');
  }

  private evict(count: number, reason: 'expired' | 'bound'): void {
    for (let index = 0; index < count; index += 1) {
      const entry = this.queue[this.head] as IndexedCommand;
      const key = this.keys[this.head] as string;
      this.queue[this.head] = undefined;
      this.keys[this.head] = '';
      this.head += 1;
      this.unlink(key, entry);
    }
    // Drop the consumed front once it is most of the arrays (amortised O(1) per entry).
    if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
    this.options.onEvicted?.(reason, count);
  }

  private compact(): void {
    this.queue = this.queue.slice(this.head);
    this.keys = this.keys.slice(this.head);
    this.times.copyWithin(0, this.head, this.head + this.queue.length);
    this.head = 0;
  }

  private grow(): void {
    if (this.head > 0 && this.head * 2 > this.queue.length) {
      this.compact();
      if (this.queue.length < this.times.length) return;
    }
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times.subarray(0, this.queue.length));
    this.times = times;
  }

  private unlink(key: string, entry: IndexedCommand): void {
    const first = this.byId.get(key);
    if (first === entry) {
      if (entry.next) this.byId.set(key, entry.next);
      else this.byId.delete(key);
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
