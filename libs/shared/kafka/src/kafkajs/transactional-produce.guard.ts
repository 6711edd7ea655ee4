/* eslint-disable @typescript-eslint/no-require-imports -- patches a kafkajs internal on purpose, see below */

/** The parts of a Produce request the guard reads. */
export interface ProduceRequestFields {
  readonly transactionalId?: string;
  readonly producerId?: number;
  readonly producerEpoch?: number;
}
type Produce = (this: unknown, request: ProduceRequestFields) => Promise<unknown>;

/**
 * Refused by the guard: an earlier Produce of this transactional producer epoch failed, so
 * the transaction it belongs to may hold skipped or repeated records and must not commit.
 * Not retriable: kafkajs' send gives up at once and the caller's transaction fails.
 */
export class TransactionalProduceFailedError extends Error {
  readonly retriable = false;
  override readonly name = 'TransactionalProduceFailedError';
  constructor(
    readonly producer: string,
    readonly firstFailure: string,
  ) {
    super(
      `a Produce of transactional producer ${producer} failed earlier (${firstFailure}): its transaction may be incomplete or hold records twice, and is given up`,
    );
  }
}

/**
 * Wraps a Produce so that, per transactional producer epoch, the first failed Produce (an
 * error answer, a closed connection, a timeout) refuses every later one.
 *
 * Why: kafkajs 2.2.4 retries a failed send (producer/sendMessages.js) in ways that break a
 * transaction's contents, seen with `qf drill broker-kill` as acknowledged commands lost
 * and events stored twice:
 * - it sends to every leader at once and retries as soon as the first request fails
 *   (Promise.all), while requests to the other brokers are still in flight: the retry sends
 *   their records again, with the sequence numbers after them, so the broker takes them as
 *   new records (duplicated events, in a transaction that then commits);
 * - it remembers which *brokers* answered, not which partitions: a partition whose leader
 *   died and moved to a broker that had already answered is never sent again, and the send
 *   resolves without its records (lost events, version gaps, a slot that cannot be restored);
 * - those stray requests also shift the sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER).
 * A transaction whose produce failed once is therefore abandoned (the processor fences,
 * restores what committed and decides again); idempotent non-transactional producers are
 * not touched.
 */
export const guardProduce = (original: Produce): Produce => {
  const failed = new Map<string, string>();
  return async function guardedProduce(this: unknown, request) {
    const { transactionalId, producerId, producerEpoch } = request;
    if (transactionalId === undefined) return original.call(this, request);
    const key = `${transactionalId}/${producerId ?? '?'}/${producerEpoch ?? '?'}`;
    const earlier = failed.get(key);
    if (earlier !== undefined) throw new TransactionalProduceFailedError(key, earlier);
    try {
      return await original.call(this, request);
    } catch (error) {
      // Bounded: a processor has one live epoch at a time; old entries are dead epochs.
      if (failed.size >= 1000) failed.clear();
      failed.set(key, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      throw error;
    }
  };
};

let installed = false;

/** Installs guardProduce on kafkajs' Broker (every client of the process; idempotent). */
export const guardTransactionalProduce = (): void => {
  if (installed) return;
  installed = true;
  const Broker = require('kafkajs/src/broker') as { prototype: { produce: Produce } };
  Broker.prototype.produce = guardProduce(Broker.prototype.produce);
};
