/* eslint-disable @typescript-eslint/no-require-imports -- wraps kafkajs internals on purpose, see below */
import { INNER_REQUEST } from './transactional-produce.guard';

/** Topic-partitions, as AddPartitionsToTxn takes them. */
export type TopicPartitions = ReadonlyArray<{
  readonly topic: string;
  readonly partitions: readonly number[];
}>;

interface TxnRequest {
  readonly transactionalId?: string;
  readonly producerId?: number | string;
  readonly producerEpoch?: number;
  readonly topics?: Array<{ topic: string; partitions: number[] }>;
}
type Request = (this: unknown, request: TxnRequest) => Promise<unknown>;
type BrokerPrototype = Record<'addPartitionsToTxn' | 'endTxn' | 'initProducerId', Request>;

/** What an early add counts (for tests and metrics). */
export interface EarlyAddCounters {
  /** AddPartitionsToTxn requests sent ahead of a transaction's first send. */
  requests: number;
  /** Partitions a transaction's own AddPartitionsToTxn did not have to send. */
  skipped: number;
  /** Early requests that failed (the transaction then fails in the guard, see below). */
  failed: number;
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * One transactional id's partitions added ahead of its next transaction. Its producer's
 * id and epoch and its coordinator are learnt from kafkajs' own AddPartitionsToTxn (so the
 * first transaction of an epoch always adds its partitions the usual way), and forgotten on
 * InitProducerId.
 */
class EarlyAdds {
  coordinator?: { broker: unknown; producerId: number | string; producerEpoch: number };
  /** Added to the coordinator's open transaction (cleared by EndTxn). */
  readonly added = new Set<string>();
  /** Asked for, not yet sent. */
  readonly waiting = new Map<string, { topic: string; partition: number }>();
  inFlight?: Promise<void>;
  /** The transaction's own sends have begun: nothing more is added early until EndTxn. */
  sealed = false;

  constructor(
    private readonly transactionalId: string,
    private readonly send: Request,
  ) {}

  /** false when nothing can be added early now (before kafkajs' first request of an epoch, or during a transaction's sends). */
  ask(topics: TopicPartitions, counters: EarlyAddCounters): boolean {
    if (this.coordinator === undefined || this.sealed) return false;
    for (const { topic, partitions } of topics)
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        if (!this.added.has(key)) this.waiting.set(key, { topic, partition });
      }
    if (this.inFlight === undefined) this.flush(counters);
    return true;
  }

  private flush(counters: EarlyAddCounters): void {
    const coordinator = this.coordinator;
    if (coordinator === undefined || this.sealed || this.waiting.size === 0) return;
    const batch = [...this.waiting];
    this.waiting.clear();
    const byTopic = new Map<string, number[]>();
    for (const [, { topic, partition }] of batch) {
      const list = byTopic.get(topic);
      if (list) list.push(partition);
      else byTopic.set(topic, [partition]);
    }
    counters.requests += 1;
    this.inFlight = this.send
      .call(coordinator.broker, {
        transactionalId: this.transactionalId,
        producerId: coordinator.producerId,
        producerEpoch: coordinator.producerEpoch,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      })
      .then(
        () => {
          for (const [key] of batch) this.added.add(key);
        },
        () => {
          // The transactional guard has marked this epoch: the transaction's sends are
          // refused and its owner replaced, as after a failed AddPartitionsToTxn of kafkajs.
          counters.failed += 1;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        this.flush(counters);
      });
  }

  /** The partitions of `topics` not added yet (kafkajs' own request is cut down to them). */
  remaining(topics: NonNullable<TxnRequest['topics']>, counters: EarlyAddCounters) {
    const left: Array<{ topic: string; partitions: number[] }> = [];
    for (const { topic, partitions } of topics) {
      const rest = partitions.filter((partition) => !this.added.has(keyOf(topic, partition)));
      counters.skipped += partitions.length - rest.length;
      if (rest.length > 0) left.push({ topic, partitions: rest });
    }
    return left;
  }
}

/**
 * Adds a transaction's partitions to it ahead of its first send.
 *
 * Why: kafkajs 2.2.4 adds the partitions of a transaction (AddPartitionsToTxn, one round trip
 * to the transaction coordinator, which appends to its log) inside the first send, so every
 * transaction waits for it before its Produce goes out: 1.7 ms of a 10 ms transaction on the
 * fleet at 1,500/s (ADR 0015, Follow-up 4). A command processor knows most of the next
 * transaction's partitions while it waits for the group-commit interval (a command's events
 * and ledger record go to the command's partition number), so it asks for them then
 * (`addPartitionsEarly`), and the transaction's own request is cut down to the partitions
 * not added yet, or not sent at all.
 *
 * Rules that keep it exact:
 * - a request goes only between an EndTxn and the transaction's own first AddPartitionsToTxn
 *   (`sealed`), with the producer id, epoch and coordinator of kafkajs' last request, and
 *   only after an InitProducerId has been followed by one transaction of kafkajs' own;
 * - kafkajs' AddPartitionsToTxn and EndTxn wait for an early request in flight first, so the
 *   coordinator never sees them overlap;
 * - the early request goes through the transactional guard: if it fails, the epoch is marked
 *   and the transaction fails as if kafkajs' own request had;
 * - a partition added early and then not written still gets its marker at EndTxn. The caller
 *   must end every transaction it added partitions to, even one with nothing to write (the
 *   command processor then commits its consumed offsets in it): kafkajs sends no EndTxn for
 *   a transaction it added nothing to, so the coordinator would abort it at its timeout and
 *   fence the producer (shown by early-partition-adds.int.spec.ts).
 */
export interface EarlyPartitionAdds {
  /** See addPartitionsEarly. */
  add(transactionalId: string, topics: TopicPartitions): boolean;
  readonly counters: EarlyAddCounters;
}

const settled = async (promise: Promise<void> | undefined) => {
  if (promise !== undefined) await promise.catch(() => undefined);
};

/** Wraps a Broker prototype's requests (exported for tests; installEarlyPartitionAdds wraps kafkajs'). */
export const wrapForEarlyAdds = (prototype: BrokerPrototype): EarlyPartitionAdds => {
  const registry = new Map<string, EarlyAdds>();
  const counters: EarlyAddCounters = { requests: 0, skipped: 0, failed: 0 };
  const add = prototype.addPartitionsToTxn;
  const end = prototype.endTxn;
  const init = prototype.initProducerId;
  const stateOf = (transactionalId: string): EarlyAdds => {
    let state = registry.get(transactionalId);
    if (state === undefined) {
      state = new EarlyAdds(transactionalId, add);
      registry.set(transactionalId, state);
    }
    return state;
  };
  const passInner = (wrapper: Request, wrapped: Request) => {
    // Patches that go inside the transactional guard (wrapInsideTransactionalGuard) reach it
    // through this wrapper.
    Object.defineProperty(wrapper, INNER_REQUEST, {
      get: () => (wrapped as unknown as Record<symbol, unknown>)[INNER_REQUEST],
      set: (value: unknown) => {
        (wrapped as unknown as Record<symbol, unknown>)[INNER_REQUEST] = value;
      },
    });
    return wrapper;
  };
  prototype.addPartitionsToTxn = passInner(async function addingEarlyFirst(
    this: unknown,
    request: TxnRequest,
  ) {
    const { transactionalId, producerId, producerEpoch, topics } = request;
    if (transactionalId === undefined || producerId === undefined || producerEpoch === undefined)
      return add.call(this, request);
    const state = stateOf(transactionalId);
    state.sealed = true;
    state.waiting.clear();
    await settled(state.inFlight);
    const coordinator = state.coordinator;
    if (
      coordinator === undefined ||
      coordinator.producerId !== producerId ||
      coordinator.producerEpoch !== producerEpoch
    )
      state.added.clear();
    state.coordinator = { broker: this, producerId, producerEpoch };
    const left = state.remaining(topics ?? [], counters);
    if (left.length === 0) return { throttleTime: 0, errors: [] };
    const result = await add.call(this, { ...request, topics: left });
    for (const { topic, partitions } of left)
      for (const partition of partitions) state.added.add(keyOf(topic, partition));
    return result;
  }, add);
  prototype.endTxn = passInner(async function endingAfterEarly(this: unknown, request: TxnRequest) {
    const state =
      request.transactionalId === undefined ? undefined : registry.get(request.transactionalId);
    if (state === undefined) return end.call(this, request);
    state.sealed = true;
    await settled(state.inFlight);
    try {
      return await end.call(this, request);
    } finally {
      state.added.clear();
      state.waiting.clear();
      state.sealed = false;
    }
  }, end);
  prototype.initProducerId = passInner(async function forgettingEarly(
    this: unknown,
    request: TxnRequest,
  ) {
    // A new epoch: nothing is added early until kafkajs' own first request of it.
    if (request.transactionalId !== undefined) registry.delete(request.transactionalId);
    return init.call(this, request);
  }, init);
  return {
    add: (transactionalId, topics) => registry.get(transactionalId)?.ask(topics, counters) ?? false,
    counters,
  };
};

let installed: EarlyPartitionAdds | undefined;

/**
 * Asks for these partitions to be added to `transactionalId`'s next transaction now. true:
 * they may be added (the caller must then end that transaction); false: nothing was asked
 * (not installed, no transaction of kafkajs' own since the last InitProducerId, or its sends
 * have begun).
 */
export const addPartitionsEarly = (transactionalId: string, topics: TopicPartitions): boolean =>
  installed?.add(transactionalId, topics) ?? false;

/** What the installed early adds did so far (undefined: not installed). */
export const earlyAddCounters = (): EarlyAddCounters | undefined =>
  installed === undefined ? undefined : { ...installed.counters };

/**
 * Installs early partition adds on kafkajs' Broker (every client of the process; idempotent).
 * Install it after the transactional guard and retryConcurrentTransactions: an early request
 * must go through the guard, and one sent right after an EndTxn often meets
 * CONCURRENT_TRANSACTIONS while the coordinator writes the markers; without the retry the
 * guard would give the next transaction up.
 */
export const installEarlyPartitionAdds = (): void => {
  installed ??= wrapForEarlyAdds(
    (require('kafkajs/src/broker') as { prototype: BrokerPrototype }).prototype,
  );
};
