export { awaitSettled, readEventStore, readStores } from './audit/read-stores';
export { drillContext, prepareDrillInfra, type DrillInfra } from './drill-infra';
export { cleanDrillLeftovers } from './drill-leftovers';
export { findDrillPorts, type DrillPorts } from './drill-ports';
export {
  FAULT_NAMES,
  FAULTS,
  isFaultName,
  type FaultName,
  type FaultSpec,
  type PrivateInfra,
} from './faults/fault-catalog';
export { injectFault, type FaultContext, type FaultEvent } from './faults/inject-fault';
export {
  isRetriableStatus,
  drillOutcomeOf,
  type Attempt,
  type DrillRecord,
  type Outcome,
} from './ledger/command-record';
export {
  buildLedger,
  ledgerPasses,
  type Ledger,
  type StoreContents,
  type StoredEventRef,
  type StoreFindings,
} from './ledger/ledger';
export { ledgerTable } from './ledger/ledger-table';
export { measureRecovery, type Recovery, type RecoveryWindow } from './ledger/recovery';
export { DrillClient, type DrillCommand } from './load/drill-client';
export { randomCommand, runDrillLoad, type LoadProgress } from './load/drill-load';
export { runReadChecks, type ReadFindings } from './load/read-checks';
export {
  DEFAULT_DRILL_OPTIONS,
  DRILL_PORT_OFFSET,
  runDrill,
  type DrillOptions,
  type DrillReport,
} from './run-drill';
