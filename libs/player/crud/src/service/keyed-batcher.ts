/** The outcome of one item of a batch: its own value or its own error. */
export type Settled<O> =
  { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: unknown };

/** Runs the items of one key together; one outcome per item, in order. */
export type RunBatch<I, O> = (key: string, items: readonly I[]) => Promise<readonly Settled<O>[]>;

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit per key: at most one batch of a key runs at a time, and the items of that
 * key submitted meanwhile wait to run together as its next batch (up to `maxBatch`). Keys
 * run independently. The CRUD service submits each player's commands through it: one
 * process never races itself on a player's version, and a hot player's queued commands
 * are decided in one guarded write instead of one write each.
 */
export class KeyedBatcher<I, O> {
  private readonly queues = new Map<string, Waiting<I, O>[]>();

  constructor(
    private readonly run: RunBatch<I, O>,
    private readonly maxBatch = 64,
  ) {}

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      const waiting = { item, resolve, reject };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(waiting);
        return;
      }
      // A key with a queue has a batch running: it takes the queue when it ends.
      this.queues.set(key, []);
      void this.drain(key, [waiting]);
    });
  }

  private async drain(key: string, first: Waiting<I, O>[]): Promise<void> {
    let batch = first;
    while (batch.length > 0) {
      await this.runOne(key, batch);
      const queue = this.queues.get(key) ?? [];
      batch = queue.splice(0, this.maxBatch);
    }
    this.queues.delete(key);
  }

  private async runOne(key: string, batch: readonly Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await this.run(
        key,
        batch.map((waiting) => waiting.item),
      );
      batch.forEach((waiting, index) => {
        const outcome = outcomes[index];
        if (outcome === undefined) waiting.reject(new Error('batch answered fewer items'));
        else if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }

  /** Keys with a batch running or queued. */
  get size(): number {
    return this.queues.size;
  }
}
