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
  /** A window closes at once when it holds this many items. */
  readonly maxBatch: number;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Groups items added close together into one flush: kafkajs has no linger (kafkajs
 * #1157), so one producer request per HTTP request would tie throughput to the broker's
 * round trip. The first item opens a window; the window is flushed when it is full or
 * lingerMs later, and every item's promise settles with its window's flush. Windows do
 * not wait for each other, so a slow flush does not hold the next one back.
 */
export class WindowBatcher<T> {
  private window: Pending<T>[] = [];
  private timer: unknown;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly flushItems: (items: T[]) => Promise<void>,
    private readonly options: WindowBatcherOptions,
    private readonly timers: BatcherTimers = realTimers,
  ) {}

  /** Resolves once the window holding item has been flushed; rejects with the flush's error. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.window.push({ item, resolve, reject });
      if (this.window.length >= this.options.maxBatch) {
        this.flush();
      } else if (this.window.length === 1) {
        this.timer =
          this.options.lingerMs > 0
            ? this.timers.setTimeout(() => this.flush(), this.options.lingerMs)
            : this.timers.setImmediate(() => this.flush());
      }
    });
  }

  /** Closes the open window now. */
  flush(): void {
    if (this.timer !== undefined) {
      if (this.options.lingerMs > 0) this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.window.length === 0) return;
    const batch = this.window;
    this.window = [];
    const sent = Promise.resolve()
      .then(() => this.flushItems(batch.map((pending) => pending.item)))
      .then(
        () => batch.forEach((pending) => pending.resolve()),
        (error: unknown) => batch.forEach((pending) => pending.reject(error)),
      );
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Flushes the open window and waits for every flush in flight. */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
  }

  /** Items waiting in the open window. */
  get waiting(): number {
    return this.window.length;
  }
}
