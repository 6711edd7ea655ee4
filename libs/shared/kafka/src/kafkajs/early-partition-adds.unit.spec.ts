import { wrapForEarlyAdds } from './early-partition-adds';
import { INNER_REQUEST } from './transactional-produce.guard';

interface Sent {
  readonly request: string;
  readonly on: unknown;
  readonly producerEpoch?: number;
  readonly partitions: string[];
}

/** A Broker prototype whose requests are recorded; AddPartitionsToTxn answers when released. */
const fakeBroker = () => {
  const sent: Sent[] = [];
  const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  let holdAdds = false;
  const flatten = (topics?: Array<{ topic: string; partitions: number[] }>) =>
    (topics ?? []).flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}/${p}`));
  const prototype = {
    async addPartitionsToTxn(
      this: unknown,
      request: {
        producerEpoch?: number;
        topics?: Array<{ topic: string; partitions: number[] }>;
      },
    ) {
      sent.push({
        request: 'add',
        on: this,
        producerEpoch: request.producerEpoch,
        partitions: flatten(request.topics),
      });
      if (holdAdds) await new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
      return { errors: [] };
    },
    async endTxn(this: unknown, _request?: unknown) {
      sent.push({ request: 'end', on: this, partitions: [] });
      return {};
    },
    async initProducerId(this: unknown, _request?: unknown) {
      sent.push({ request: 'init', on: this, partitions: [] });
      return { producerId: 7, producerEpoch: 2 };
    },
  };
  return {
    prototype,
    sent,
    hold: (on: boolean) => {
      holdAdds = on;
    },
    release: () => pending.shift()?.resolve(),
    fail: () => pending.shift()?.reject(new Error('NOT_COORDINATOR')),
  };
};

const coordinator = { name: 'coordinator broker' };
const txn = (producerEpoch = 1) => ({ transactionalId: 'tx', producerId: 7, producerEpoch });
const topics = (partitions: number[]) => [
  { topic: 'events', partitions },
  { topic: 'ledger', partitions },
];
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** One transaction the way kafkajs runs it: its adds, then EndTxn. */
const kafkajsTransaction = async (
  prototype: ReturnType<typeof fakeBroker>['prototype'],
  partitions: number[],
  producerEpoch = 1,
) => {
  await prototype.addPartitionsToTxn.call(coordinator, {
    ...txn(producerEpoch),
    topics: topics(partitions),
  });
  await prototype.endTxn.call(coordinator, { ...txn(producerEpoch), transactionResult: true });
};

describe('early partition adds', () => {
  it('asks nothing before a transaction of kafkajs has shown the producer id, epoch and coordinator', () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    expect(early.add('tx', topics([1]))).toBe(false);
    expect(broker.sent).toEqual([]);
  });

  it('adds the next transaction partitions ahead, and cuts kafkajs own request down to the rest', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    broker.sent.length = 0;

    expect(early.add('tx', topics([1, 2]))).toBe(true);
    await tick();
    expect(broker.sent).toEqual([
      {
        request: 'add',
        on: coordinator,
        producerEpoch: 1,
        partitions: ['events/1', 'events/2', 'ledger/1', 'ledger/2'],
      },
    ]);
    // The transaction's first send asks for 1, 2 and 3: only 3 goes out.
    await broker.prototype.addPartitionsToTxn.call(coordinator, {
      ...txn(),
      topics: topics([1, 2, 3]),
    });
    expect(broker.sent[1]?.partitions).toEqual(['events/3', 'ledger/3']);
    expect(early.counters).toMatchObject({ requests: 1, skipped: 4, failed: 0 });
  });

  it('sends nothing at all when every partition was added early', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    early.add('tx', topics([4]));
    await tick();
    const before = broker.sent.length;
    await expect(
      broker.prototype.addPartitionsToTxn.call(coordinator, { ...txn(), topics: topics([4]) }),
    ).resolves.toEqual({ throttleTime: 0, errors: [] });
    expect(broker.sent.length).toBe(before);
  });

  it('makes kafkajs wait for an early request in flight instead of overlapping it, and gathers what is asked meanwhile into one more request', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    broker.sent.length = 0;
    broker.hold(true);
    early.add('tx', topics([1]));
    early.add('tx', topics([2]));
    early.add('tx', topics([3]));
    await tick();
    expect(broker.sent.map(({ partitions }) => partitions)).toEqual([['events/1', 'ledger/1']]);
    broker.release();
    await tick();
    expect(broker.sent.map(({ partitions }) => partitions)).toEqual([
      ['events/1', 'ledger/1'],
      ['events/2', 'events/3', 'ledger/2', 'ledger/3'],
    ]);
    // kafkajs' own request arrives while the second is in flight: it waits for it.
    const own = broker.prototype.addPartitionsToTxn.call(coordinator, {
      ...txn(),
      topics: topics([1, 2, 3]),
    });
    await tick();
    expect(broker.sent).toHaveLength(2);
    broker.release();
    await own;
    expect(broker.sent).toHaveLength(2);
  });

  it('after a failed early request, kafkajs adds those partitions itself (the guard has failed the epoch meanwhile)', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    broker.sent.length = 0;
    broker.hold(true);
    early.add('tx', topics([5]));
    await tick();
    broker.fail();
    await tick();
    broker.hold(false);
    await broker.prototype.addPartitionsToTxn.call(coordinator, { ...txn(), topics: topics([5]) });
    expect(broker.sent.map(({ partitions }) => partitions)).toEqual([
      ['events/5', 'ledger/5'],
      ['events/5', 'ledger/5'],
    ]);
    expect(early.counters.failed).toBe(1);
  });

  it('adds nothing early while a transaction is sending, and starts afresh after its EndTxn', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    await broker.prototype.addPartitionsToTxn.call(coordinator, { ...txn(), topics: topics([1]) });
    expect(early.add('tx', topics([2]))).toBe(false);
    await broker.prototype.endTxn.call(coordinator, { ...txn(), transactionResult: true });
    broker.sent.length = 0;
    // Partition 1 was in the ended transaction, not in the next one: kafkajs must add it again.
    await broker.prototype.addPartitionsToTxn.call(coordinator, { ...txn(), topics: topics([1]) });
    expect(broker.sent.map(({ partitions }) => partitions)).toEqual([['events/1', 'ledger/1']]);
  });

  it('forgets everything on InitProducerId: a new epoch adds nothing early until kafkajs has run a transaction of it', async () => {
    const broker = fakeBroker();
    const early = wrapForEarlyAdds(broker.prototype);
    await kafkajsTransaction(broker.prototype, [0]);
    await broker.prototype.initProducerId.call(coordinator, { transactionalId: 'tx' });
    expect(early.add('tx', topics([1]))).toBe(false);
    await kafkajsTransaction(broker.prototype, [0], 2);
    broker.sent.length = 0;
    expect(early.add('tx', topics([1]))).toBe(true);
    await tick();
    expect(broker.sent[0]).toMatchObject({ request: 'add', producerEpoch: 2 });
  });

  it('leaves requests without a transactional id alone, and lets patches reach inside the wrapped request', async () => {
    const broker = fakeBroker();
    const inner = Object.assign(broker.prototype.addPartitionsToTxn, {});
    (inner as unknown as Record<symbol, unknown>)[INNER_REQUEST] = 'guarded inner';
    wrapForEarlyAdds(broker.prototype);
    const wrapped = broker.prototype.addPartitionsToTxn as unknown as Record<symbol, unknown>;
    expect(wrapped[INNER_REQUEST]).toBe('guarded inner');
    wrapped[INNER_REQUEST] = 'replaced';
    expect((inner as unknown as Record<symbol, unknown>)[INNER_REQUEST]).toBe('replaced');
    await broker.prototype.addPartitionsToTxn.call(coordinator, { topics: topics([1]) });
    expect(broker.sent).toHaveLength(1);
  });
});
