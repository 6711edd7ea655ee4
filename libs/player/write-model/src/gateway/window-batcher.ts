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
  /** A window closes this long after its first item (0: at the end of the current event-loop turn). */
  readonly lingerMs: number;
  /** A window closes at once when it holds this many items; no flush holds more. */
  readonly maxBatch: number;
  /**
   * At most this many flushes in flight (default: no limit). A window that closes while
   * they are all busy keeps taking items and goes out as soon as one returns, so under
   * load the requests grow instead of multiplying.
   */
  readonly maxInFlight?: number;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Groups items added close together into one flush: kafkajs has no linger (kafkajs
 * #1157), so one producer request per HTTP request would tie throughput to the broker's
 * round trip. The first item opens a window; the window closes when it is full or
 * lingerMs later, and is flushed then, or once a flush in flight returns when maxInFlight
 * are busy. Every item's promise settles with its flush.
 */
export class WindowBatcher<T> {
  private window: Pending<T>[] = [];
  /** The open window has closed and waits only for a free flush slot. */
  private closed = false;
  private timer: unknown;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly maxInFlight: number;

  constructor(
    private readonly flushItems: (items: T[]) => Promise<void>,
    private readonly options: WindowBatcherOptions,
    private readonly timers: BatcherTimers = realTimers,
  ) {
    this.maxInFlight = options.maxInFlight ?? Number.POSITIVE_INFINITY;
  }

  /** Resolves once the flush holding item has been sent; rejects with the flush's error. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.window.push({ item, resolve, reject });
      if (this.window.length >= this.options.maxBatch) {
        this.flush();
      } else if (this.window.length === 1 && !this.closed) {
        this.timer =
          this.options.lingerMs > 0
            ? this.timers.setTimeout(() => this.flush(), this.options.lingerMs)
            : this.timers.setImmediate(() => this.flush());
      }
    });
  }

  /** Closes the open window now (it is sent as soon as a flush slot is free). */
  flush(): void {
    if (this.timer !== undefined) {
      if (this.options.lingerMs > 0) this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.closed = this.window.length > 0;
    this.sendClosed();
  }

  /** Flushes the open window and waits until everything added has been sent. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Items waiting to be sent. */
  get waiting(): number {
    return this.window.length;
  }

  private sendClosed(): void {
    while (this.closed && this.inFlight.size < this.maxInFlight) {
      const batch = this.window.splice(0, this.options.maxBatch);
      this.closed = this.window.length > 0;
      const sent = Promise.resolve()
        .then(() => this.flushItems(batch.map((pending) => pending.item)))
        .then(
          () => batch.forEach((pending) => pending.resolve()),
          (error: unknown) => batch.forEach((pending) => pending.reject(error)),
        );
      this.inFlight.add(sent);
      void sent.finally(() => {
        this.inFlight.delete(sent);
        this.sendClosed();
      });
    }
  }
}
