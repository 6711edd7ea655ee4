/** Exponential backoff bounds for retriable failures (Mongo down, Kafka unavailable). */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface RetryHooks {
  /** False once the work should be abandoned (consumer stopping, partition revoked). */
  readonly isActive: () => boolean;
  /** Called during waits, so a long outage does not cost the group membership; a rebalance makes it throw, which ends the retries. */
  readonly heartbeat: () => Promise<void>;
  readonly onRetry: (error: unknown, attempt: number, delayMs: number) => void;
}

const HEARTBEAT_SLICE_MS = 1000;

/**
 * Runs work until it succeeds, waiting initialMs, 2x, 4x … maxMs between attempts
 * (with jitter), for as long as the work stays wanted. Resolves true on success, false
 * when abandoned. Nothing is committed meanwhile, so the pause loses nothing.
 */
export const retryWithBackoff = async (
  work: () => Promise<void>,
  backoff: Backoff,
  hooks: RetryHooks,
): Promise<boolean> => {
  for (let attempt = 1; ; attempt += 1) {
    if (!hooks.isActive()) return false;
    try {
      await work();
      return true;
    } catch (error) {
      const delayMs =
        Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 20)) *
        (0.8 + Math.random() * 0.4);
      hooks.onRetry(error, attempt, delayMs);
      const until = Date.now() + delayMs;
      while (Date.now() < until) {
        if (!hooks.isActive()) return false;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(HEARTBEAT_SLICE_MS, until - Date.now())),
        );
        await hooks.heartbeat();
      }
    }
  }
};
