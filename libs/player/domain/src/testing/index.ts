export {
  aCommand,
  COMMAND_METADATA,
  historyOf,
  HISTORY_TIME,
  PLAYER_ID,
  registeredPlayer,
  registration,
  START_ROOM,
} from './builders';
export { given, type Expectation, type WhenClause } from './given';
