// Dead letters a person can act on: read, filter, redrive and purge DLQ records; DLQ depth on /metrics.
export {
  DEAD_LETTER_HEADERS,
  letterId,
  readLetter,
  REDRIVE_HEADERS,
  type DeadLetter,
  type LetterError,
} from './letter/dead-letter';
export {
  parseAction,
  statusOf,
  type LetterAction,
  type LetterStatus,
} from './letter/letter-action';
export {
  isNarrowing,
  LetterFilterError,
  matchesFilter,
  parseLetterId,
  parseStatus,
  parseTime,
  type LetterFilter,
} from './letter/letter-filter';
export {
  actionsTopicOf,
  DeadLetterQueue,
  NoSuchDeadLetterTopicError,
  operator,
  type DeadLetterSnapshot,
  type PartitionBounds,
} from './kafka/dead-letter-queue';
export {
  NoRedriveTargetError,
  purge,
  redrive,
  redriveHeaders,
  type Redriven,
  type RedriveOptions,
} from './kafka/redrive';
export { deadLetterDepth, exportDeadLetterDepth } from './metrics/dead-letter-depth.gauge';
