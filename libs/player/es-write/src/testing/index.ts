export { DirectCommands } from './direct-commands';
export { sendOnce, sendUntilDecided, type FinalAnswer } from './command-client';
export { commandFor, driveCommands, outcomeViolations, type Sent } from './write-path.load';
export {
  eventLogViolations,
  readEventLog,
  startWritePath,
  type StoredEvent,
  type WritePath,
  type WritePathOptions,
} from './write-path.harness';
