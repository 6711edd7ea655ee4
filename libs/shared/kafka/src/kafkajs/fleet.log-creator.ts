/* eslint-disable @typescript-eslint/no-require-imports -- reads kafkajs' table of protocol errors, see below */
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';

const levelNames: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Broker answers that are part of normal operation and that kafkajs retries by itself:
 * back-to-back transactions (CONCURRENT_TRANSACTIONS), coordinators and leaders that are
 * still loading or have just moved, a group that is rebalancing, a topic created a moment
 * ago. kafkajs logs every attempt at ERROR level (1,516 such lines on a fresh `npm start`),
 * which drowns the errors that matter; they are written at debug.
 */
const ROUTINE_TYPES = [
  'CONCURRENT_TRANSACTIONS',
  'GROUP_LOAD_IN_PROGRESS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REBALANCE_IN_PROGRESS',
  'UNKNOWN_MEMBER_ID',
  'REPLICA_NOT_AVAILABLE',
  'NOT_CONTROLLER',
  'FETCH_SESSION_ID_NOT_FOUND',
  'INVALID_FETCH_SESSION_EPOCH',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'UNSTABLE_OFFSET_COMMIT',
  'PREFERRED_LEADER_NOT_AVAILABLE',
  'ELECTION_NOT_NEEDED',
] as const;

// kafkajs writes the broker's error as its message text; its own table maps type -> text.
const { errorCodes } = require('kafkajs/src/protocol/error') as {
  errorCodes: ReadonlyArray<{ type: string; message: string }>;
};
const ROUTINE_MESSAGES: readonly string[] = errorCodes
  .filter((entry) => (ROUTINE_TYPES as readonly string[]).includes(entry.type))
  .map((entry) => entry.message);
/** kafkajs' own lines about the same situations, which carry no broker error text. */
const ROUTINE_LINES = [/re-joining the group/, /The group is rebalancing/];

/** True when a kafkajs log line reports a routine, retried broker answer. */
export const isRoutineKafkaLine = (message: string, error?: unknown): boolean => {
  const text = `${message} ${error === undefined ? '' : String(error)}`;
  return (
    ROUTINE_MESSAGES.some((routine) => text.includes(routine)) ||
    ROUTINE_LINES.some((line) => line.test(text)) ||
    ROUTINE_TYPES.some((type) => text.includes(type))
  );
};

/** QF_KAFKA_LOG_LEVEL (nothing, error, warn, info, debug), or undefined when unset. */
export const kafkaLogLevelFromEnv = (
  env: NodeJS.ProcessEnv = process.env,
): logLevel | undefined => {
  const raw = env['QF_KAFKA_LOG_LEVEL'];
  if (raw === undefined || raw.trim() === '') return undefined;
  switch (raw.trim().toLowerCase()) {
    case 'nothing':
      return logLevel.NOTHING;
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
    default:
      throw new Error(
        `QF_KAFKA_LOG_LEVEL="${raw}" is invalid: expected nothing, error, warn, info or debug`,
      );
  }
};

/**
 * The one kafkajs log creator of the fleet (createKafka installs it on every client):
 * one JSON object per line on stderr, like every Quest Fleet service, with routine
 * retried broker answers demoted to debug, so an error line on the console means an error.
 */
export const fleetLogCreator: logCreator = (threshold) => (entry: LogEntry) => {
  const { message, ...rest } = entry.log;
  const routine =
    entry.level <= logLevel.WARN &&
    isRoutineKafkaLine(message, (rest as { error?: unknown }).error);
  const level = routine ? logLevel.DEBUG : entry.level;
  if (level > threshold) return;
  process.stderr.write(
    `${JSON.stringify({ level: levelNames[level] ?? 'info', time: entry.log.timestamp, component: `kafkajs:${entry.namespace}`, msg: message, ...rest, timestamp: undefined })}\n`,
  );
};

/** The same creator, under the name the command processor has used for it. */
export const transactionalLogCreator = fleetLogCreator;
