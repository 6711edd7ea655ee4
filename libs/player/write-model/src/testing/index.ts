export { sendUntilDecided, type FinalAnswer } from './command-client';
export {
  eventLogViolations,
  readEventLog,
  startWritePath,
  type StoredEvent,
  type WritePath,
  type WritePathOptions,
} from './write-path.harness';
