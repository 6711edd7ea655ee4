/** What a waiter is told: the answer, or why there is none. */
export type WaiterCallback<T> = (error: unknown, answer?: T) => void;

/** One request waiting for the decision of its command. */
export class Waiter<T> {
  /** Called when this waiter times out before an answer (e.g. to drop its command if still unsent). */
  onExpire?: () => void;
  settled = false;
  /** The next waiter for the same command id (a client retrying while its first try waits). */
  next: Waiter<T> | undefined;

  constructor(
    readonly commandId: string,
    /** When it times out, on the waiters' clock (ms). */
    readonly deadline: number,
    private readonly callback: WaiterCallback<T>,
  ) {}

  /** @internal settles once; later calls do nothing. */
  settle(error: unknown, answer?: T): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.callback(error, answer);
    return true;
  }
}

/**
 * Requests waiting for their decision, by command id. Several requests may wait for the
 * same id (a client retrying while the first try is still pending): one reply answers them
 * all, but a failure to send is one request's own and fails only that one.
 *
 * No timer per request: every waiter has the same timeout, so deadlines arrive in the order
 * waiters were added, and `expire()` (called a few times a second) pops the overdue ones
 * from the front of one queue. A promise, a timer and its closure per request were a
 * measurable share of the gateway's CPU.
 */
export class ReplyWaiters<T> {
  private readonly byId = new Map<string, Waiter<T>>();
  private queue: Waiter<T>[] = [];
  private head = 0;
  private count = 0;

  constructor(
    private readonly timeoutMs: number,
    /** The error a waiter gets when its decision does not come in time. */
    private readonly timeoutError: (commandId: string) => unknown,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Registers a request waiting for commandId; callback is called exactly once. */
  add(commandId: string, callback: WaiterCallback<T>): Waiter<T> {
    const waiter = new Waiter(commandId, this.now() + this.timeoutMs, callback);
    const first = this.byId.get(commandId);
    if (first === undefined) this.byId.set(commandId, waiter);
    else {
      let last = first;
      while (last.next !== undefined) last = last.next;
      last.next = waiter;
    }
    this.queue.push(waiter);
    this.count += 1;
    return waiter;
  }

  /** Answers every request waiting for commandId; false when none waits (a late or replayed reply). */
  resolve(commandId: string, answer: T): boolean {
    let waiter = this.byId.get(commandId);
    if (waiter === undefined) return false;
    this.byId.delete(commandId);
    while (waiter !== undefined) {
      const next: Waiter<T> | undefined = waiter.next;
      waiter.next = undefined;
      if (waiter.settle(undefined, answer)) this.count -= 1;
      waiter = next;
    }
    return true;
  }

  /** Fails this one request (its command could not be sent); others waiting for the id keep waiting. */
  fail(waiter: Waiter<T>, error: unknown): void {
    if (waiter.settled) return;
    this.unlink(waiter);
    this.count -= 1;
    waiter.settle(error);
  }

  /** Fails every waiting request (shutdown). */
  failAll(error: unknown): void {
    const all = [...this.byId.values()];
    this.byId.clear();
    for (const first of all) {
      let waiter: Waiter<T> | undefined = first;
      while (waiter !== undefined) {
        const next: Waiter<T> | undefined = waiter.next;
        waiter.next = undefined;
        if (waiter.settle(error)) this.count -= 1;
        waiter = next;
      }
    }
    this.queue = [];
    this.head = 0;
  }

  /** Times out every request whose deadline has passed; returns how many. */
  expire(now: number = this.now()): number {
    let expired = 0;
    while (this.head < this.queue.length) {
      const waiter = this.queue[this.head] as Waiter<T>;
      if (!waiter.settled && waiter.deadline > now) break;
      this.head += 1;
      if (waiter.settled) continue;
      this.unlink(waiter);
      this.count -= 1;
      expired += 1;
      waiter.settle(this.timeoutError(waiter.commandId));
      waiter.onExpire?.();
    }
    // Drop the consumed front now and then instead of shifting on every pop.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return expired;
  }

  /** Requests currently waiting. */
  get size(): number {
    return this.count;
  }

  private unlink(waiter: Waiter<T>): void {
    const first = this.byId.get(waiter.commandId);
    if (first === undefined) return;
    if (first === waiter) {
      if (waiter.next === undefined) this.byId.delete(waiter.commandId);
      else this.byId.set(waiter.commandId, waiter.next);
    } else {
      let previous = first;
      while (previous.next !== undefined && previous.next !== waiter) previous = previous.next;
      if (previous.next === waiter) previous.next = waiter.next;
    }
    waiter.next = undefined;
  }
}
