// Domain <-> wire at the edges: the contracts hold the wire shapes (and import nothing of
// the domain); the gateway, processor, projector, CRUD service and API map through here.
export { decodePlayerCommandRecord, type PlayerCommandRecord } from './command-records';
export {
  decodeEvent,
  encodeEvent,
  encodeEventAs,
  MalformedEventRecord,
  writeSchemasFromEnv,
} from './event-codec';
export { playerViewOf, toCommandResult, toEventView } from './views';
