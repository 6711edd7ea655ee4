import type { Producer, ProducerBatch, RecordMetadata } from 'kafkajs';

export interface RenewingProducerOptions {
  /** A new, unconnected idempotent producer (its listeners attached). */
  readonly create: () => Producer;
  /** After a replacement took over; `cause` is the failure that made it necessary. */
  readonly onRenewed?: (cause: string) => void;
  /** When a replacement could not connect: the current producer stays until the next failure. */
  readonly onRenewFailed?: (error: unknown) => void;
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * An idempotent kafkajs producer that is replaced by a new one (a new producer id, so new
 * sequence numbers) after any send that failed.
 *
 * kafkajs 2.2.4 numbers each partition's records before it sends them and takes the numbers
 * back when the request fails. A request that the broker appended but whose answer never came
 * (the leader died after its followers had the records, acks=all) is taken back all the same:
 * once its own retries are used up, the producer's next number is behind the broker's, every
 * later send to that partition is refused with OUT_OF_ORDER_SEQUENCE_NUMBER, and kafkajs never
 * recovers from that (it is not retriable and nothing asks for a new producer id). A send
 * whose records happen to have the count of the lost request is even taken for a duplicate and
 * silently dropped. So after a failed send the producer's numbers are not trusted any more.
 *
 * The failed send still fails (its caller answers or retries as before); sends already under
 * way on the old producer finish or fail there; later sends go to the replacement once it has
 * connected. Only for producers whose records may be written again without harm: a record
 * sent by both the old and the new producer is stored twice, which idempotent readers absorb.
 */
export class RenewingProducer {
  private current?: Producer;
  private renewal?: Promise<void>;
  private closed = false;
  /** How many times the producer was replaced. */
  renewals = 0;

  constructor(private readonly options: RenewingProducerOptions) {}

  async connect(): Promise<void> {
    this.closed = false;
    this.current = await this.connected();
  }

  /** Sends on the current producer; a failure schedules its replacement, then rethrows. */
  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const producer = this.current;
    if (!producer) throw new Error('producer not connected');
    try {
      return await producer.sendBatch(batch);
    } catch (error) {
      this.renew(producer, error);
      throw error;
    }
  }

  /** Resolves when no replacement is under way (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.renewal) await this.renewal;
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    await this.settled();
    const producer = this.current;
    this.current = undefined;
    await producer?.disconnect();
  }

  private async connected(): Promise<Producer> {
    const producer = this.options.create();
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return producer;
  }

  private renew(failed: Producer, cause: unknown): void {
    // One replacement at a time, and only of the producer still in use.
    if (this.closed || this.renewal || failed !== this.current) return;
    this.renewal = (async () => {
      let next: Producer;
      try {
        next = await this.connected();
      } catch (error) {
        this.options.onRenewFailed?.(error);
        return;
      }
      if (this.closed) {
        await next.disconnect().catch(() => undefined);
        return;
      }
      this.current = next;
      this.renewals += 1;
      this.options.onRenewed?.(describe(cause));
      await failed.disconnect().catch(() => undefined);
    })().finally(() => {
      this.renewal = undefined;
    });
  }
}
