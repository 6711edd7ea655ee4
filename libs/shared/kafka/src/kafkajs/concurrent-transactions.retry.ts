/* eslint-disable @typescript-eslint/no-require-imports -- wraps kafkajs internals on purpose, see below */
import { setTimeout as sleep } from 'node:timers/promises';
import { wrapInsideTransactionalGuard } from './transactional-produce.guard';

type Request = (this: unknown, request: unknown) => Promise<unknown>;
type BrokerPrototype = Record<(typeof TXN_REQUESTS)[number], Request>;

/** The transactional requests the transaction coordinator may answer CONCURRENT_TRANSACTIONS. */
const TXN_REQUESTS = ['addPartitionsToTxn', 'addOffsetsToTxn', 'endTxn'] as const;

export interface ConcurrentTransactionsRetry {
  /** First wait, ms; × 1.5 after each retry up to maxBackoffMs. */
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Give up (rethrow) once this long has passed since the first attempt. */
  readonly maxWaitMs: number;
  /** Called before each retry (for a metric). */
  readonly onRetry?: (request: string) => void;
}

// The markers of the previous transaction are usually written within a few ms: ask again
// soon and often (each ask is a small request to the coordinator), not after a long backoff.
const DEFAULTS: ConcurrentTransactionsRetry = {
  initialBackoffMs: 1,
  maxBackoffMs: 10,
  maxWaitMs: 10_000,
};

const isConcurrentTransactions = (error: unknown): boolean =>
  (error as { type?: unknown } | null)?.type === 'CONCURRENT_TRANSACTIONS';

/** `request` retried while the coordinator answers CONCURRENT_TRANSACTIONS (exported for tests). */
export const retryingConcurrentTransactions = (
  name: string,
  request: Request,
  settings: () => ConcurrentTransactionsRetry,
): Request =>
  async function retried(this: unknown, args: unknown) {
    const options = settings();
    const started = Date.now();
    for (
      let backoff = options.initialBackoffMs;
      ;
      backoff = Math.min(backoff * 2, options.maxBackoffMs)
    ) {
      try {
        return await request.call(this, args);
      } catch (error) {
        if (!isConcurrentTransactions(error) || Date.now() - started >= options.maxWaitMs)
          throw error;
        options.onRetry?.(name);
        await sleep(backoff);
      }
    }
  };

let current: ConcurrentTransactionsRetry = DEFAULTS;
let installed = false;

/**
 * The transaction coordinator answers CONCURRENT_TRANSACTIONS while the previous
 * transaction of the same transactional id is still being completed (its markers written),
 * which is routine for transactions run back to back. kafkajs 2.2.4 handles it badly:
 * AddPartitionsToTxn fails the whole send, whose retrier logs an error, refreshes the
 * cluster metadata and backs off (300 ms by default) before retrying; AddOffsetsToTxn
 * (sendOffsets) and EndTxn are not retried at all, so the transaction fails and a caller
 * has to abort and start over. This wraps those three requests at the broker so the
 * coordinator is asked again after 1, 1.5, 2.3 … 10 ms, with no metadata request, until it has
 * finished (bounded by maxWaitMs). All three are safe to repeat: the coordinator treats a
 * repeated AddPartitions/AddOffsets as already done and a repeated EndTxn with the same
 * result as success.
 */
export const retryConcurrentTransactions = (
  options: Partial<ConcurrentTransactionsRetry> = {},
): void => {
  current = { ...DEFAULTS, ...options };
  if (installed) return;
  installed = true;
  const Broker = require('kafkajs/src/broker') as { prototype: BrokerPrototype };
  for (const name of TXN_REQUESTS) {
    // Inside the transactional guard when it is installed (in either order): the guard must
    // judge the outcome after these retries, not each CONCURRENT_TRANSACTIONS answer.
    wrapInsideTransactionalGuard(Broker.prototype, name, (original) =>
      retryingConcurrentTransactions(name, original, () => current),
    );
  }
};
