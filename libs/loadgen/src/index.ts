export { HttpTarget, type RequestTarget, type TargetResponse } from './http-target';
export { LatencyRecorder, type LatencySummary } from './latency-recorder';
export { machineInfo, type MachineInfo } from './machine';
export {
  runOpenLoop,
  type OpenLoopOptions,
  type OpenLoopResult,
  type Operation,
  type Progress,
} from './open-loop';
export { formatProgress, formatResultTable, formatTable } from './report';
export {
  indexSampler,
  seededRandom,
  weightedChoice,
  type KeyDistribution,
  type Random,
} from './sampling';
export {
  isOperationKind,
  OPERATION_KINDS,
  parseMix,
  ScenarioDriver,
  SCENARIOS,
  type OperationKind,
  type OperationMix,
  type ScenarioSpec,
} from './scenario';
