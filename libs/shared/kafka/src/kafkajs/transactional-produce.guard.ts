/* eslint-disable @typescript-eslint/no-require-imports -- patches kafkajs internals on purpose, see below */

/** The parts of a transactional request (Produce, AddPartitionsToTxn, EndTxn) the guard reads. */
export interface ProduceRequestFields {
  readonly transactionalId?: string;
  readonly producerId?: number | string;
  readonly producerEpoch?: number;
  /** EndTxn: true commits, false aborts. */
  readonly transactionResult?: boolean;
}
type Request = (this: unknown, request: ProduceRequestFields) => Promise<unknown>;
type Lookup = (
  this: unknown,
  request: { groupId: string; coordinatorType?: number },
) => Promise<unknown>;

/** kafkajs' coordinator type of a transaction coordinator (protocol/coordinatorTypes.js). */
const TRANSACTION_COORDINATOR = 1;
/** The guard's wrappers keep the request they wrap here, so later patches can go inside them. */
const INNER = Symbol.for('qf.kafkajs.transactional-guard.inner');
/** The key under which a wrapper keeps the request it wraps (for patches that wrap a wrapper). */
export const INNER_REQUEST: typeof INNER = INNER;
type Guarded = Request & { [INNER]: Request };

/**
 * Refused by the guard: an earlier request of this transactional producer epoch failed while
 * sending its records, so its transaction may hold skipped or repeated records and must not
 * commit. Not retriable: kafkajs' send gives up at once and the caller's transaction fails.
 */
export class TransactionalProduceFailedError extends Error {
  readonly retriable = false;
  override readonly name = 'TransactionalProduceFailedError';
  constructor(
    readonly producer: string,
    readonly firstFailure: string,
  ) {
    super(
      `a request of transactional producer ${producer} failed earlier (${firstFailure}): its transaction may be incomplete or hold records twice, and is given up`,
    );
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Which transactional producer epochs saw a failure while sending, and each transactional
 * id's current epoch (from its last InitProducerId): one per process.
 *
 * Why: kafkajs 2.2.4's send (producer/sendMessages.js) retries a whole send when any part of
 * it fails, which breaks a transaction's contents (seen with `qf drill broker-kill` as
 * acknowledged commands lost and events stored twice, and reproduced by
 * libs/ops/drill/src/faults/transactions-across-broker-kill.ts, run by the drill tests):
 * - it sends one request per leader at once (each: find the transaction coordinator,
 *   AddPartitionsToTxn, Produce) and retries as soon as the first fails (Promise.all),
 *   while the others are still in flight: the retry sends their records again, with the
 *   sequence numbers after them, so the broker stores them twice in a transaction that then
 *   commits. A failed AddPartitionsToTxn or coordinator lookup does it as well as a failed
 *   Produce (the reproduction stored records twice, before any broker was killed, after a
 *   CONCURRENT_TRANSACTIONS answer);
 * - it remembers which *brokers* answered, not which partitions: a partition whose leader
 *   died and moved to a broker that had already answered is never sent again, and the send
 *   resolves without its records (lost events, version gaps, a slot that cannot be restored);
 * - stray requests shift the sequence numbers (OUT_OF_ORDER_SEQUENCE_NUMBER).
 * So the first failure of a transactional request while sending marks the epoch, and every
 * later Produce, AddPartitionsToTxn and EndTxn of that epoch is refused before it is sent:
 * the send fails, the commit cannot happen (not even after a retried send that sent nothing),
 * and the caller gives the transaction up (the processor fences and restores what committed;
 * the next InitProducerId aborts the open transaction with a bumped epoch, which refuses any
 * stray request still in flight). Non-transactional producers are not touched.
 */
export interface TransactionalSendGuard {
  /** A request of the send path (Produce, AddPartitionsToTxn): refused after a failure, marks one. */
  sending(original: Request): Request;
  /** EndTxn: refused after a failure (the next InitProducerId aborts, see above). */
  ending(original: Request): Request;
  /** InitProducerId: remembers the transactional id's new epoch. */
  initialising(original: Request): Request;
  /**
   * A transaction coordinator lookup (made before each AddPartitionsToTxn) that fails marks
   * the current epoch of its transactional id: the send it belongs to is retried by kafkajs.
   */
  lookingUp(original: Lookup): Lookup;
}

export const createTransactionalSendGuard = (): TransactionalSendGuard => {
  const failed = new Map<string, string>();
  const current = new Map<string, string>();
  const keyOf = ({ transactionalId, producerId, producerEpoch }: ProduceRequestFields) =>
    `${transactionalId}/${producerId ?? '?'}/${producerEpoch ?? '?'}`;
  const fail = (key: string, error: unknown) => {
    // Bounded: a process has one live epoch per transactional id; old entries are dead epochs.
    if (failed.size >= 1000) failed.clear();
    if (!failed.has(key)) failed.set(key, describe(error));
  };
  const refuseFailed = (request: ProduceRequestFields): string => {
    const key = keyOf(request);
    const earlier = failed.get(key);
    if (earlier !== undefined) throw new TransactionalProduceFailedError(key, earlier);
    return key;
  };
  return {
    sending: (original) =>
      async function guardedSend(this: unknown, request) {
        if (request.transactionalId === undefined) return original.call(this, request);
        const key = refuseFailed(request);
        try {
          return await original.call(this, request);
        } catch (error) {
          fail(key, error);
          throw error;
        }
      },
    ending: (original) =>
      async function guardedEnd(this: unknown, request) {
        if (request.transactionalId !== undefined) refuseFailed(request);
        return original.call(this, request);
      },
    initialising: (original) =>
      async function guardedInit(this: unknown, request) {
        const result = (await original.call(this, request)) as ProduceRequestFields | undefined;
        const { transactionalId } = request;
        if (transactionalId !== undefined && result?.producerId !== undefined)
          current.set(transactionalId, keyOf({ ...result, transactionalId }));
        return result;
      },
    lookingUp: (original) =>
      async function guardedLookup(this: unknown, request) {
        try {
          return await original.call(this, request);
        } catch (error) {
          const key =
            request.coordinatorType === TRANSACTION_COORDINATOR
              ? current.get(request.groupId)
              : undefined;
          if (key !== undefined) fail(key, error);
          throw error;
        }
      },
  };
};

/** The Produce wrapper of a fresh guard (one request kind, for tests). */
export const guardProduce = (original: Request): Request =>
  createTransactionalSendGuard().sending(original);

/** A kafkajs Broker request method, as other patches see it. */
export type BrokerRequest = (this: unknown, request: unknown) => Promise<unknown>;
type BrokerPrototype = Record<string, BrokerRequest>;

/** Wraps a guarded Broker request so that `wrap` runs inside the guard (it then sees only the guard's verdicts on what `wrap` returns). */
export const wrapInsideTransactionalGuard = (
  prototype: BrokerPrototype,
  name: string,
  wrap: (request: BrokerRequest) => BrokerRequest,
): void => {
  const current = prototype[name] as (BrokerRequest & { [INNER]?: BrokerRequest }) | undefined;
  if (current === undefined) throw new Error(`kafkajs Broker has no ${name}`);
  if (current[INNER]) current[INNER] = wrap(current[INNER]);
  else prototype[name] = wrap(current);
};

/**
 * Wraps the transactional requests of a Broker prototype and the coordinator lookup of a
 * Cluster prototype with `guard` (exported for tests; guardTransactionalProduce uses kafkajs').
 */
export const installTransactionalGuard = (
  brokerPrototype: BrokerPrototype,
  clusterPrototype: { findGroupCoordinator: Lookup },
  guard: TransactionalSendGuard,
): void => {
  const layers: Record<string, (inner: Request) => Request> = {
    produce: (inner) => guard.sending(inner),
    addPartitionsToTxn: (inner) => guard.sending(inner),
    endTxn: (inner) => guard.ending(inner),
    initProducerId: (inner) => guard.initialising(inner),
  };
  for (const [name, layer] of Object.entries(layers)) {
    const original = brokerPrototype[name];
    if (original === undefined) throw new Error(`kafkajs Broker has no ${name}`);
    const wrapper = async function guarded(this: unknown, request: ProduceRequestFields) {
      return layer(wrapper[INNER]).call(this, request);
    } as Guarded;
    wrapper[INNER] = original as Request;
    brokerPrototype[name] = wrapper as BrokerRequest;
  }
  clusterPrototype.findGroupCoordinator = guard.lookingUp(clusterPrototype.findGroupCoordinator);
};

let installed = false;

/** Installs the guard on kafkajs' Broker and Cluster (every client of the process; idempotent). */
export const guardTransactionalProduce = (): void => {
  if (installed) return;
  installed = true;
  installTransactionalGuard(
    (require('kafkajs/src/broker') as { prototype: BrokerPrototype }).prototype,
    (require('kafkajs/src/cluster') as { prototype: { findGroupCoordinator: Lookup } }).prototype,
    createTransactionalSendGuard(),
  );
};
