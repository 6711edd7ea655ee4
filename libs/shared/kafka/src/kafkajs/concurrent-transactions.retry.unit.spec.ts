/* eslint-disable @typescript-eslint/no-require-imports -- checks the patched kafkajs internal */
import {
  retryConcurrentTransactions,
  retryingConcurrentTransactions,
} from './concurrent-transactions.retry';

const concurrent = () =>
  Object.assign(new Error('concurrent'), { type: 'CONCURRENT_TRANSACTIONS' });
const settings = { initialBackoffMs: 1, maxBackoffMs: 2, maxWaitMs: 500 };

describe('retryingConcurrentTransactions', () => {
  it('asks again while the coordinator answers CONCURRENT_TRANSACTIONS, with the same this and request', async () => {
    const calls: Array<[unknown, unknown]> = [];
    const retried: string[] = [];
    const request = async function (this: unknown, args: unknown) {
      calls.push([this, args]);
      if (calls.length < 3) throw concurrent();
      return 'done';
    };
    const wrapped = retryingConcurrentTransactions('endTxn', request, () => ({
      ...settings,
      onRetry: (name) => retried.push(name),
    }));
    const broker = { nodeId: 1 };
    await expect(wrapped.call(broker, { transactionResult: true })).resolves.toBe('done');
    expect(calls).toEqual([
      [broker, { transactionResult: true }],
      [broker, { transactionResult: true }],
      [broker, { transactionResult: true }],
    ]);
    expect(retried).toEqual(['endTxn', 'endTxn']);
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const fenced = Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' });
    const wrapped = retryingConcurrentTransactions(
      'addOffsetsToTxn',
      async () => {
        calls += 1;
        throw fenced;
      },
      () => settings,
    );
    await expect(wrapped.call(undefined, {})).rejects.toBe(fenced);
    expect(calls).toBe(1);
  });

  it('gives up after maxWaitMs and rethrows the last CONCURRENT_TRANSACTIONS', async () => {
    const wrapped = retryingConcurrentTransactions(
      'addPartitionsToTxn',
      async () => {
        throw concurrent();
      },
      () => ({ ...settings, maxWaitMs: 20 }),
    );
    await expect(wrapped.call(undefined, {})).rejects.toMatchObject({
      type: 'CONCURRENT_TRANSACTIONS',
    });
  });
});

describe('retryConcurrentTransactions', () => {
  it("wraps the kafkajs broker's AddPartitionsToTxn, AddOffsetsToTxn and EndTxn", () => {
    const Broker = require('kafkajs/src/broker') as { prototype: Record<string, unknown> };
    const before = ['addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn'].map(
      (name) => Broker.prototype[name],
    );
    for (const original of before) expect(typeof original).toBe('function');
    retryConcurrentTransactions();
    const after = ['addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn'].map(
      (name) => Broker.prototype[name] as { name: string },
    );
    after.forEach((method, index) => {
      expect(method).not.toBe(before[index]);
      expect(method.name).toBe('retried');
    });
    // Installing again only changes the settings.
    retryConcurrentTransactions({ maxWaitMs: 1 });
    expect(
      ['addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn'].map((name) => Broker.prototype[name]),
    ).toEqual(after);
  });
});
