/** Timer functions, injectable so tests drive time. */
export interface BatcherTimers {
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
  readonly setImmediate: (callback: () => void) => unknown;
}

const realTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
};

export interface WindowBatcherOptions {
  /**
   * A window closes this long after its first item (0: at the end of the current event-loop
   * turn); a function is asked when each window opens (a linger that follows the load).
   */
  readonly lingerMs: number | (() => number);
  /** A window closes at once when it holds this many items; no flush holds more. */
  readonly maxBatch: number;
  /**
   * At most this many flushes in flight (default: no limit). A window that closes while
   * they are all busy keeps taking items and goes out as soon as one returns, so under
   * load the requests grow instead of multiplying.
   */
  readonly maxInFlight?: number;
  /** At most this many items wait to be sent (default: no limit); add() refuses more. */
  readonly maxWaiting?: number;
}

/** An item waiting to be sent, until its flush settles. */
export interface Queued<T> {
  readonly item: T;
  /** Called once, when the flush holding the item settled (with its error if it failed). */
  readonly sent: (error?: unknown) => void;
  /** waiting → sending (its flush has taken it), or waiting → cancelled (left out). */
  state: 'waiting' | 'sending' | 'cancelled';
}

/**
 * Groups items added close together into one flush: kafkajs has no linger (kafkajs
 * #1157), so one producer request per HTTP request would tie throughput to the broker's
 * round trip. The first item opens a window; the window closes when it is full or
 * lingerMs later, and is flushed then, or once a flush in flight returns when maxInFlight
 * are busy. Each item's `sent` callback is called with its flush's outcome.
 *
 * An item cancelled before its window goes out is not sent at all: the gateway cancels
 * the command of a request that has already been answered 504, so a backlog never turns
 * into commands nobody waits for.
 */
export class WindowBatcher<T> {
  private window: Queued<T>[] = [];
  private live = 0;
  /** The open window has closed and waits only for a free flush slot. */
  private closed = false;
  private timer: unknown;
  /** The open window's timer is a setTimeout (else a setImmediate). */
  private timed = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private readonly maxWaiting: number;

  constructor(
    private readonly flushItems: (items: T[]) => Promise<void>,
    private readonly options: WindowBatcherOptions,
    private readonly timers: BatcherTimers = realTimers,
  ) {
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.maxWaiting = options.maxWaiting ?? Number.POSITIVE_INFINITY;
  }

  /** Queues item for the next flush; undefined (nothing queued) when maxWaiting items already wait. */
  add(item: T, sent: (error?: unknown) => void): Queued<T> | undefined {
    if (this.live >= this.maxWaiting) return undefined;
    const queued: Queued<T> = { item, sent, state: 'waiting' };
    this.window.push(queued);
    this.live += 1;
    if (this.live >= this.options.maxBatch) {
      this.flush();
    } else if (this.timer === undefined && !this.closed) {
      const { lingerMs } = this.options;
      const linger = typeof lingerMs === 'function' ? lingerMs() : lingerMs;
      this.timed = linger > 0;
      this.timer = this.timed
        ? this.timers.setTimeout(() => this.flush(), linger)
        : this.timers.setImmediate(() => this.flush());
    }
    return queued;
  }

  /** Leaves a waiting item out of its flush (its `sent` is not called); false when already sent or sending. */
  cancel(queued: Queued<T>): boolean {
    if (queued.state !== 'waiting') return false;
    queued.state = 'cancelled';
    this.live -= 1;
    return true;
  }

  /** Closes the open window now (it is sent as soon as a flush slot is free). */
  flush(): void {
    if (this.timer !== undefined) {
      if (this.timed) this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.closed = this.live > 0;
    if (!this.closed) this.window = [];
    this.sendClosed();
  }

  /** Flushes the open window and waits until everything added has been sent. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Items waiting to be sent. */
  get waiting(): number {
    return this.live;
  }

  private takeBatch(): Queued<T>[] {
    const batch: Queued<T>[] = [];
    let taken = 0;
    while (taken < this.window.length && batch.length < this.options.maxBatch) {
      const queued = this.window[taken] as Queued<T>;
      taken += 1;
      if (queued.state !== 'waiting') continue;
      queued.state = 'sending';
      batch.push(queued);
    }
    this.window = taken === this.window.length ? [] : this.window.slice(taken);
    this.live -= batch.length;
    return batch;
  }

  private sendClosed(): void {
    while (this.closed && this.inFlight.size < this.maxInFlight) {
      const batch = this.takeBatch();
      this.closed = this.live > 0;
      if (batch.length === 0) continue;
      const sent = Promise.resolve()
        .then(() => this.flushItems(batch.map((queued) => queued.item)))
        .then(
          () => batch.forEach((queued) => queued.sent()),
          (error: unknown) => batch.forEach((queued) => queued.sent(error)),
        );
      this.inFlight.add(sent);
      void sent.finally(() => {
        this.inFlight.delete(sent);
        this.sendClosed();
      });
    }
  }
}
