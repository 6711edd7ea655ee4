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
