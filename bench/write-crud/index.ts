export {
  auditCompleteness,
  auditLag,
  BacklogSampler,
  formatCrudExtras,
  measureCrudExtras,
  readCrudCounters,
  waitForAuditDrain,
  type CrudCounters,
  type CrudExtras,
  type CrudExtrasInput,
  type LatencyFigures,
} from './crud-extras';
export {
  commandCost,
  formatCommandCost,
  pidListeningOn,
  readMongoCounts,
  takeCostSnapshot,
  type CommandCost,
  type CostSnapshot,
} from './cost';
export { startCrudFleet, type CrudFleetOptions, type StartedCrudFleet } from './crud-fleet';
export {
  formatCrudStep,
  runCrudStep,
  type CrudFleet,
  type CrudStepOptions,
  type CrudStepResult,
} from './crud-step';
export { databaseFigures, startCrudTarget } from './crud-target';
