interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/** How a RequestBatcher sends: one request for many items, one answer per item, in order. */
export type SendBatch<I, O> = (items: readonly I[]) => Promise<readonly O[]>;

/**
 * Group commit for database requests: an item submitted while `maxInFlight` requests are
 * out waits, with every other item submitted meanwhile, for the next request. At a light
 * load every item goes alone and at once; under load the requests grow instead of
 * multiplying. On this machine a request costs more in system calls (the socket write,
 * the wake-up of the server) than in the work it asks for, so fewer requests is most of
 * what there is to win.
 */
export class RequestBatcher<I, O> {
  private queue: Pending<I, O>[] = [];
  private inFlight = 0;

  constructor(
    private readonly send: SendBatch<I, O>,
    private readonly maxInFlight = 2,
    private readonly maxBatch = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: readonly Pending<I, O>[]): Promise<void> {
    try {
      const answers = await this.send(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(answers[index] as O));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
