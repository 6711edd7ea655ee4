// Projection admin: status of every view (generation, group, lag, last error, paused) and a pause switch per group.
export {
  PROJECTION_CONTROLS,
  PROJECTION_REPLICAS,
  ProjectionControlLoop,
  readControl,
  setPaused,
  type PausableProjection,
  type ProjectionControlDocument,
  type ProjectionReplicaDocument,
} from './projection-control';
export {
  assertView,
  groupOfView,
  PROJECTION_VIEWS,
  projectionStatus,
  UnknownViewError,
  type ProjectionStatus,
  type ViewStatus,
} from './projection-status';
