import { HEADERS } from '@qf/contracts';
import { ReplyWaiters } from './reply-waiters';
import { isReplyFor, replyPartitionFor } from './reply-routing';
import { WindowBatcher, type BatcherTimers } from './window-batcher';

/** Timers driven by the test: nothing fires until run() is called. */
const manualTimers = () => {
  const due: Array<{ callback: () => void; cancelled: boolean }> = [];
  const timers: BatcherTimers = {
    setTimeout: (callback) => {
      const entry = { callback, cancelled: false };
      due.push(entry);
      return entry;
    },
    clearTimeout: (handle) => {
      (handle as { cancelled: boolean }).cancelled = true;
    },
    setImmediate: (callback) => {
      const entry = { callback, cancelled: false };
      due.push(entry);
      return entry;
    },
  };
  return {
    timers,
    run: () => due.splice(0).forEach((entry) => !entry.cancelled && entry.callback()),
    pending: () => due.filter((entry) => !entry.cancelled).length,
  };
};

const flushPromises = () => new Promise((resolve) => setImmediate(resolve));

/** add() as a promise: resolves when the item's flush succeeded, rejects with its error. */
const sent = <T>(batcher: WindowBatcher<T>, item: T): Promise<void> =>
  new Promise((resolve, reject) => {
    batcher.add(item, (error) => (error === undefined ? resolve() : reject(error)));
  });

/** A batcher on manual timers whose flushes stay in flight until the test releases them, in order. */
const heldFlushes = (options: ConstructorParameters<typeof WindowBatcher<number>>[1]) => {
  const clock = manualTimers();
  const releases: Array<() => void> = [];
  const flushed: number[][] = [];
  const batcher = new WindowBatcher<number>(
    (items) => {
      flushed.push(items);
      return new Promise<void>((resolve) => releases.push(resolve));
    },
    options,
    clock.timers,
  );
  return { clock, releases, flushed, batcher };
};

describe('WindowBatcher (send windows)', () => {
  it('sends the items added within one window in one flush, when the window closes', async () => {
    const clock = manualTimers();
    const flushed: number[][] = [];
    const batcher = new WindowBatcher<number>(
      async (items) => void flushed.push(items),
      { lingerMs: 2, maxBatch: 100 },
      clock.timers,
    );
    const done = [sent(batcher, 1), sent(batcher, 2), sent(batcher, 3)];
    await flushPromises();
    expect(flushed).toEqual([]);
    clock.run();
    await Promise.all(done);
    expect(flushed).toEqual([[1, 2, 3]]);
  });

  it('flushes at once when a window is full, and opens a new one for what follows', async () => {
    const clock = manualTimers();
    const flushed: number[][] = [];
    const batcher = new WindowBatcher<number>(
      async (items) => void flushed.push(items),
      { lingerMs: 2, maxBatch: 2 },
      clock.timers,
    );
    await Promise.all([sent(batcher, 1), sent(batcher, 2)]);
    expect(flushed).toEqual([[1, 2]]);
    const third = sent(batcher, 3);
    clock.run();
    await third;
    expect(flushed).toEqual([[1, 2], [3]]);
  });

  it('fails every item of a window whose flush failed, and only those', async () => {
    const clock = manualTimers();
    let fail = true;
    const batcher = new WindowBatcher<number>(
      async () => {
        if (fail) throw new Error('broker down');
      },
      { lingerMs: 1, maxBatch: 10 },
      clock.timers,
    );
    const doomed = [sent(batcher, 1), sent(batcher, 2)];
    clock.run();
    await expect(doomed[0]).rejects.toThrow('broker down');
    await expect(doomed[1]).rejects.toThrow('broker down');
    fail = false;
    const later = sent(batcher, 3);
    clock.run();
    await expect(later).resolves.toBeUndefined();
  });

  it('does not hold a window back while an earlier flush is still in flight', async () => {
    const { clock, releases, flushed, batcher } = heldFlushes({ lingerMs: 1, maxBatch: 10 });
    const first = sent(batcher, 1);
    clock.run();
    const second = sent(batcher, 2);
    clock.run();
    await flushPromises();
    expect(flushed).toEqual([[1], [2]]);
    releases.forEach((release) => release());
    await Promise.all([first, second]);
  });

  it('with maxInFlight busy, a closed window keeps taking items and goes out when a flush returns', async () => {
    const { clock, releases, flushed, batcher } = heldFlushes({
      lingerMs: 1,
      maxBatch: 3,
      maxInFlight: 1,
    });
    const first = sent(batcher, 1);
    clock.run();
    const waiting = [2, 3, 4, 5].map((item) => sent(batcher, item));
    clock.run();
    await flushPromises();
    expect(flushed).toEqual([[1]]);
    expect(batcher.waiting).toBe(4);
    releases.shift()?.();
    await first;
    await flushPromises();
    expect(flushed).toEqual([[1], [2, 3, 4]]);
    releases.shift()?.();
    await flushPromises();
    expect(flushed).toEqual([[1], [2, 3, 4], [5]]);
    releases.shift()?.();
    await Promise.all(waiting);
    expect(clock.pending()).toBe(0);
  });

  it('leaves a cancelled item out of its flush and never reports it', async () => {
    const { clock, releases, flushed, batcher } = heldFlushes({
      lingerMs: 1,
      maxBatch: 10,
      maxInFlight: 1,
    });
    void sent(batcher, 1);
    clock.run();
    await flushPromises();
    const reported: number[] = [];
    const queued = [2, 3, 4].map((item) => batcher.add(item, () => reported.push(item)));
    expect(batcher.cancel(queued[1]!)).toBe(true);
    expect(batcher.cancel(queued[1]!)).toBe(false);
    expect(batcher.waiting).toBe(2);
    clock.run();
    releases.shift()?.();
    await flushPromises();
    expect(flushed).toEqual([[1], [2, 4]]);
    expect(batcher.cancel(queued[0]!)).toBe(false);
    releases.shift()?.();
    await flushPromises();
    expect(reported).toEqual([2, 4]);
  });

  it('refuses items beyond maxWaiting until some are sent', async () => {
    const { clock, releases, batcher } = heldFlushes({
      lingerMs: 1,
      maxBatch: 10,
      maxInFlight: 1,
      maxWaiting: 2,
    });
    void sent(batcher, 1);
    clock.run();
    await flushPromises();
    expect(batcher.add(2, () => undefined)).toBeDefined();
    expect(batcher.add(3, () => undefined)).toBeDefined();
    expect(batcher.add(4, () => undefined)).toBeUndefined();
    clock.run();
    releases.shift()?.();
    await flushPromises();
    expect(batcher.waiting).toBe(0);
    expect(batcher.add(5, () => undefined)).toBeDefined();
  });

  it('asks a linger function when each window opens: a timer for a positive linger, the end of the turn for 0', async () => {
    const asked: string[] = [];
    const timers: BatcherTimers = {
      setTimeout: (callback, ms) => {
        asked.push(`timeout ${ms}`);
        return setImmediate(callback);
      },
      clearTimeout: () => undefined,
      setImmediate: (callback) => {
        asked.push('immediate');
        return setImmediate(callback);
      },
    };
    const lingers = [0, 4];
    const flushed: number[][] = [];
    const batcher = new WindowBatcher<number>(
      async (items) => void flushed.push(items),
      { lingerMs: () => lingers.shift() ?? 9, maxBatch: 10 },
      timers,
    );
    await Promise.all([sent(batcher, 1), sent(batcher, 2)]);
    await Promise.all([sent(batcher, 3), sent(batcher, 4)]);
    expect(asked).toEqual(['immediate', 'timeout 4']);
    expect(flushed).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('lingerMs 0 closes the window at the end of the event-loop turn; drain() flushes and waits', async () => {
    const flushed: number[][] = [];
    const batcher = new WindowBatcher<number>(async (items) => void flushed.push(items), {
      lingerMs: 0,
      maxBatch: 10,
    });
    await Promise.all([sent(batcher, 1), sent(batcher, 2)]);
    expect(flushed).toEqual([[1, 2]]);
    void sent(batcher, 3);
    await batcher.drain();
    expect(flushed).toEqual([[1, 2], [3]]);
    expect(batcher.waiting).toBe(0);
  });
});

describe('reply routing', () => {
  it('spreads replica indexes over the partitions, and gateway ids by hash', () => {
    expect(
      [0, 1, 11, 12, 13].map((instance) => replyPartitionFor({ gatewayId: 'any', instance }, 12)),
    ).toEqual([0, 1, 11, 0, 1]);
    const ids = Array.from({ length: 200 }, (_, index) => `gateway-${index}`);
    const partitions = new Set(ids.map((gatewayId) => replyPartitionFor({ gatewayId }, 12)));
    expect(partitions.size).toBe(12);
    expect(replyPartitionFor({ gatewayId: 'gateway-7' }, 12)).toBe(
      replyPartitionFor({ gatewayId: 'gateway-7' }, 12),
    );
  });

  it('recognises the replies addressed to this gateway by header', () => {
    expect(isReplyFor({ [HEADERS.replyTo]: Buffer.from('gw-a') }, 'gw-a')).toBe(true);
    expect(isReplyFor({ [HEADERS.replyTo]: 'gw-b' }, 'gw-a')).toBe(false);
    expect(isReplyFor({}, 'gw-a')).toBe(false);
    expect(isReplyFor(undefined, 'gw-a')).toBe(false);
  });
});

describe('ReplyWaiters', () => {
  const setup = () => {
    let now = 0;
    const outcomes: string[] = [];
    const waiters = new ReplyWaiters<string>(
      500,
      (commandId) => new Error(`no decision for ${commandId}`),
      () => now,
    );
    const record = (name: string) => (error: unknown, answer?: string) =>
      outcomes.push(`${name}: ${answer ?? (error as Error).message}`);
    return { waiters, outcomes, record, advance: (ms: number) => (now += ms) };
  };

  it('answers every request waiting for a command id with its reply', () => {
    const { waiters, outcomes, record } = setup();
    waiters.add('c1', record('a'));
    waiters.add('c1', record('b'));
    expect(waiters.size).toBe(2);
    expect(waiters.resolve('c1', 'decided')).toBe(true);
    expect(outcomes).toEqual(['a: decided', 'b: decided']);
    expect(waiters.size).toBe(0);
    expect(waiters.resolve('c1', 'late')).toBe(false);
  });

  it('fails one request without touching another waiting for the same id', () => {
    const { waiters, outcomes, record } = setup();
    const first = waiters.add('c1', record('first'));
    waiters.add('c1', record('retry'));
    waiters.fail(first, new Error('send failed'));
    expect(outcomes).toEqual(['first: send failed']);
    expect(waiters.size).toBe(1);
    waiters.resolve('c1', 'decided');
    expect(outcomes).toEqual(['first: send failed', 'retry: decided']);
  });

  it('times out, in order, only the requests past their deadline, and tells each one', () => {
    const { waiters, outcomes, record, advance } = setup();
    const expired: string[] = [];
    waiters.add('a', record('a')).onExpire = () => expired.push('a');
    advance(200);
    waiters.add('b', record('b')).onExpire = () => expired.push('b');
    advance(300);
    expect(waiters.expire()).toBe(1);
    expect(outcomes).toEqual(['a: no decision for a']);
    expect(expired).toEqual(['a']);
    waiters.resolve('b', 'decided');
    advance(1000);
    expect(waiters.expire()).toBe(0);
    expect(outcomes).toEqual(['a: no decision for a', 'b: decided']);
    expect(waiters.size).toBe(0);
  });

  it('fails every waiting request at shutdown', () => {
    const { waiters, outcomes, record } = setup();
    waiters.add('a', record('a'));
    waiters.add('b', record('b'));
    waiters.add('b', record('b2'));
    waiters.failAll(new Error('shutting down'));
    expect(outcomes.sort()).toEqual(['a: shutting down', 'b2: shutting down', 'b: shutting down']);
    expect(waiters.size).toBe(0);
  });
});
