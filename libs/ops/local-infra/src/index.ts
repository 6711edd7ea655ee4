export type { ComponentStatus, InfraComponent, UpOptions } from './component';
export { createInfraContext, type InfraContext } from './infra-context';
export {
  infraComponents,
  infraDown,
  infraStatus,
  infraUp,
  readInfraAddresses,
  type RecordedInfraAddresses,
} from './infra';
export { INFRA_PREFIX } from './process/names';
export {
  findRecorded,
  isRecordedAlive,
  listRecorded,
  logPathFor,
  spawnRecorded,
  stopRecorded,
  type RecordedProcess,
  type SpawnSpec,
} from './process/pid-registry';
export { hasTool, requireTool } from './process/require-tool';
export { runToCompletion } from './process/run-command';
export { waitUntil } from './process/wait-until';
export { fleetCatalog, INFRA_ENV_VARS, type ServiceSpec } from './fleet-catalog';
