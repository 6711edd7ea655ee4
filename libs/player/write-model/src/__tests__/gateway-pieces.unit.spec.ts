import { HEADERS } from '@qf/contracts';
import { PendingReplies } from '../gateway/pending-replies';
import { isReplyFor, replyPartitionFor } from '../gateway/reply-routing';
import { WindowBatcher, type BatcherTimers } from '../gateway/window-batcher';

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
    const sent = [batcher.add(1), batcher.add(2), batcher.add(3)];
    await flushPromises();
    expect(flushed).toEqual([]);
    clock.run();
    await Promise.all(sent);
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
    const first = [batcher.add(1), batcher.add(2)];
    await Promise.all(first);
    expect(flushed).toEqual([[1, 2]]);
    const third = batcher.add(3);
    clock.run();
    await third;
    expect(flushed).toEqual([[1, 2], [3]]);
  });

  it('rejects every item of a window whose flush failed, and only those', async () => {
    const clock = manualTimers();
    let fail = true;
    const batcher = new WindowBatcher<number>(
      async () => {
        if (fail) throw new Error('broker down');
      },
      { lingerMs: 1, maxBatch: 10 },
      clock.timers,
    );
    const doomed = [batcher.add(1), batcher.add(2)];
    clock.run();
    await expect(Promise.all(doomed)).rejects.toThrow('broker down');
    await expect(doomed[1]).rejects.toThrow('broker down');
    fail = false;
    const later = batcher.add(3);
    clock.run();
    await expect(later).resolves.toBeUndefined();
  });

  it('does not hold a window back while an earlier flush is still in flight', async () => {
    const { clock, releases, flushed, batcher } = heldFlushes({ lingerMs: 1, maxBatch: 10 });
    const first = batcher.add(1);
    clock.run();
    const second = batcher.add(2);
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
    const first = batcher.add(1);
    clock.run();
    const waiting = [2, 3, 4, 5].map((item) => batcher.add(item));
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

  it('lingerMs 0 closes the window at the end of the event-loop turn; drain() flushes and waits', async () => {
    const flushed: number[][] = [];
    const batcher = new WindowBatcher<number>(async (items) => void flushed.push(items), {
      lingerMs: 0,
      maxBatch: 10,
    });
    const sent = [batcher.add(1), batcher.add(2)];
    await Promise.all(sent);
    expect(flushed).toEqual([[1, 2]]);
    void batcher.add(3);
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

describe('PendingReplies', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('answers every request waiting for a command id with its reply', async () => {
    const pending = new PendingReplies<string>();
    const a = pending.wait('c1', 1000, () => new Error('timeout'));
    const b = pending.wait('c1', 1000, () => new Error('timeout'));
    expect(pending.size).toBe(2);
    expect(pending.resolve('c1', 'decided')).toBe(true);
    await expect(Promise.all([a, b])).resolves.toEqual(['decided', 'decided']);
    expect(pending.size).toBe(0);
    expect(pending.resolve('c1', 'late')).toBe(false);
  });

  it('fails a request whose reply does not come in time, with the error it is given', async () => {
    const pending = new PendingReplies<string>();
    const waiting = pending.wait('c1', 500, () => new Error('no decision'));
    jest.advanceTimersByTime(500);
    await expect(waiting).rejects.toThrow('no decision');
    expect(pending.size).toBe(0);
  });

  it('rejects one id or all of them', async () => {
    const pending = new PendingReplies<string>();
    const a = pending.wait('a', 1000, () => new Error('timeout'));
    const b = pending.wait('b', 1000, () => new Error('timeout'));
    pending.reject('a', new Error('refused'));
    pending.rejectAll(new Error('shutting down'));
    await expect(a).rejects.toThrow('refused');
    await expect(b).rejects.toThrow('shutting down');
    expect(pending.size).toBe(0);
  });
});
