import { isTopicRefusal } from './topics';

/** What a consumer service does to join its group, and to undo a half-done attempt. */
export interface StartAttempt {
  /** Topics, indexes, then the consumer's start; throws while Kafka (or the database) is away. */
  readonly start: () => Promise<void>;
  /** Leaves whatever the failed attempt opened, so the next one starts clean. */
  readonly undo: () => Promise<void>;
  /** True once the service is shutting down: no further attempt is made. */
  readonly stopping: () => boolean;
  readonly onRetry?: (attempt: number, error: Error) => void;
  /** Pause before attempt n+1: 200 ms · n, at most maxDelayMs. */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a consumer service once its dependencies answer: retries with a growing pause
 * until start succeeds or the service is stopping. Resolves true when started. Topics
 * the fleet refuses to run with (history could be lost, partition counts differ) are
 * not waited out: that error is thrown after the attempt is undone.
 */
export const startUntilJoined = async (attempt: StartAttempt): Promise<boolean> => {
  const sleep = attempt.sleep ?? realSleep;
  for (let n = 1; !attempt.stopping(); n += 1) {
    try {
      await attempt.start();
      return true;
    } catch (error) {
      await attempt.undo().catch(() => undefined);
      if (isTopicRefusal(error)) throw error;
      attempt.onRetry?.(n, error as Error);
      await sleep(Math.min(attempt.maxDelayMs ?? 5000, 200 * n));
    }
  }
  return false;
};
