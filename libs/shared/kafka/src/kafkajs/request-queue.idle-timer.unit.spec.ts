/* eslint-disable @typescript-eslint/no-require-imports -- drives the kafkajs internal the patch changes */
import { stopIdleRequestQueueTimers, type RequestQueueInternals } from './request-queue.idle-timer';

type RequestQueueClass = new (options: Record<string, unknown>) => RequestQueueInternals;

const RequestQueue = require('kafkajs/src/network/requestQueue') as RequestQueueClass;
const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };
const newQueue = () =>
  new RequestQueue({
    instrumentationEmitter: null,
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: '127.0.0.1:1',
    logger: silent,
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often checkPendingRequests ran on `queue` within `ms` after one check. */
const checksWithin = async (queue: RequestQueueInternals, ms: number): Promise<number> => {
  let checks = 0;
  const original = queue.checkPendingRequests.bind(queue);
  queue.checkPendingRequests = () => {
    checks += 1;
    original();
  };
  queue.checkPendingRequests();
  await sleep(ms);
  if (queue.throttleCheckTimeoutId) clearTimeout(queue.throttleCheckTimeoutId);
  queue.throttleCheckTimeoutId = null;
  return checks;
};

describe('stopIdleRequestQueueTimers', () => {
  it('kafkajs as released re-checks an empty, unthrottled queue every millisecond', async () => {
    // The bug the patch exists for: without it this queue checks itself ~50 times in 60 ms.
    expect(await checksWithin(newQueue(), 60)).toBeGreaterThan(10);
  });

  describe('installed', () => {
    beforeAll(() => stopIdleRequestQueueTimers());

    it('an empty, unthrottled queue checks once and schedules nothing', async () => {
      const queue = newQueue();
      expect(await checksWithin(queue, 60)).toBe(1);
      expect(queue.throttleCheckTimeoutId).toBeNull();
    });

    it('a queue holding requests is checked again in 10 ms, as kafkajs does', () => {
      const queue = newQueue();
      queue.pending.push({});
      queue.scheduleCheckPendingRequests();
      expect(queue.throttleCheckTimeoutId).not.toBeNull();
      clearTimeout(queue.throttleCheckTimeoutId as NodeJS.Timeout);
    });

    it('a throttled queue is checked when the throttle ends, even with nothing waiting', async () => {
      const queue = newQueue();
      queue.throttledUntil = Date.now() + 20;
      let checked = 0;
      queue.checkPendingRequests = () => {
        checked += 1;
      };
      queue.scheduleCheckPendingRequests();
      expect(queue.throttleCheckTimeoutId).not.toBeNull();
      await sleep(60);
      expect(checked).toBe(1);
    });

    it('a second schedule while one is pending adds no timer', () => {
      const queue = newQueue();
      queue.pending.push({});
      queue.scheduleCheckPendingRequests();
      const first = queue.throttleCheckTimeoutId;
      queue.scheduleCheckPendingRequests();
      expect(queue.throttleCheckTimeoutId).toBe(first);
      clearTimeout(first as NodeJS.Timeout);
    });
  });
});
