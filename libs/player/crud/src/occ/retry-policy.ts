/** How a command retries after losing an optimistic-concurrency race. */
export interface RetryPolicy {
  /** Attempts in all, the first included; after the last lost race the answer is 409. */
  readonly maxAttempts: number;
  /** Upper bound of the first backoff; doubles per attempt. */
  readonly baseDelayMs: number;
  /** Cap of the backoff window. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 10,
  baseDelayMs: 2,
  maxDelayMs: 100,
});

/**
 * The pause before attempt `attempt + 1` after attempt `attempt` (1-based) lost a race:
 * "full jitter", uniform in [0, min(max, base * 2^(attempt-1))). Spreading the retries
 * keeps writers of one hot document from colliding again in lockstep.
 */
export const backoffDelay = (
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number => {
  const window = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * window);
};

/** Whether another attempt is allowed after `attempt` attempts. */
export const mayRetry = (attempt: number, policy: RetryPolicy): boolean =>
  attempt < policy.maxAttempts;
