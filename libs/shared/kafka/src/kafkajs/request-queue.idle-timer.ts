/* eslint-disable @typescript-eslint/no-require-imports -- patches a kafkajs internal on purpose, see below */

/** kafkajs' own interval between checks of a queue that holds requests (requestQueue/index.js). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** The parts of kafkajs' RequestQueue (one per broker connection) the patch reads. */
export interface RequestQueueInternals {
  throttledUntil: number;
  readonly pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

let installed = false;

/**
 * kafkajs 2.2.4 checks a connection's queue of waiting requests again after every answer,
 * and that check schedules the next one whether or not anything waits: with nothing waiting
 * and no throttle the delay is negative, Node runs it after 1 ms, and the check schedules
 * itself again (tulios/kafkajs#1556, #1604, #1704; not fixed in a release). Every connection
 * that ever had an answer so spins on a 1 ms timer for the rest of its life. Measured on an
 * idle fleet (`qf fleet up --arch es`, nothing sent): ~900 wake-ups a second and 0.03 cores
 * in each of the gateway, the processor and the projector, 0.1 of the 0.4 cores the
 * experiment gives its smallest ES system; under load the same wake-ups compete with the
 * requests for the two cores.
 *
 * Here a check is scheduled only when one is needed: requests wait (the next check in 10 ms,
 * or when the throttle ends, as kafkajs does), or the broker throttles the connection. A
 * request that has to wait later is pushed through `push`, which schedules a check, and every
 * answer checks the queue at once, so nothing that waits is left without a check.
 */
export const stopIdleRequestQueueTimers = (): void => {
  if (installed) return;
  installed = true;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as {
    prototype: RequestQueueInternals;
  };
  RequestQueue.prototype.scheduleCheckPendingRequests = function scheduleWhenNeeded(
    this: RequestQueueInternals,
  ) {
    if (this.throttleCheckTimeoutId) return;
    const untilUnthrottled = this.throttledUntil - Date.now();
    let delay: number;
    if (this.pending.length > 0)
      delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
    else if (untilUnthrottled > 0) delay = untilUnthrottled;
    else return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
};
