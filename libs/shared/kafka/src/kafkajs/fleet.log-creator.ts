import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Back-to-back transactions routinely get CONCURRENT_TRANSACTIONS until the previous one's
 * markers are written; kafkajs retries them but logs every attempt at ERROR level, which at
 * a few hundred transactions a second would drown the real errors. Those lines are kept at
 * debug; everything else is written as one JSON object per line, like the rest of the fleet.
 */
const EXPECTED = /another concurrent operation on the same transaction|CONCURRENT_TRANSACTIONS/;

export const transactionalLogCreator: logCreator = (threshold) => (entry: LogEntry) => {
  const { message, ...rest } = entry.log;
  const expected = EXPECTED.test(`${message} ${String((rest as { error?: unknown }).error ?? '')}`);
  const level = expected ? logLevel.DEBUG : entry.level;
  if (level > threshold) return;
  process.stderr.write(
    `${JSON.stringify({ level: levelNames[level] ?? 'info', time: entry.log.timestamp, component: `kafkajs:${entry.namespace}`, msg: message, ...rest, timestamp: undefined })}\n`,
  );
};
