import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

/**
 * A database error worth trying again: the connection dropped (the pool was cleared), no
 * server answered, or the server labelled it retryable. A command retried after one is
 * safe even when the failed write did apply: the next read finds the command id among
 * the document's recent commands and answers the first outcome.
 */
export const isTransientDatabaseError = (error: unknown): boolean =>
  error instanceof MongoNetworkError ||
  error instanceof MongoServerSelectionError ||
  (error instanceof MongoError &&
    (error.hasErrorLabel('RetryableWriteError') || error.hasErrorLabel('ResetPool')));
