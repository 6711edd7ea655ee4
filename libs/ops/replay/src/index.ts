// Replay: rebuild a view from offset 0 into a new generation, switch readers, drop the old one.
export {
  AUDIT_LOG_VIEW,
  parseReplayTarget,
  REPLAY_TARGET_NAMES,
  UnknownReplayTargetError,
  type ReplayKind,
  type ReplayTarget,
  type ReplayView,
} from './plan/replay-target';
export { nextVersion, versionedCollection, versionOfCollection } from './plan/versioned-names';
export {
  liveGroupOf,
  planReplay,
  rebuildGroupOf,
  sourceTopicOf,
  type ReplayPlan,
} from './plan/replay-plan';
export {
  etaSeconds,
  formatDuration,
  isCaughtUp,
  lagToHead,
  progressBar,
  progressLine,
  progressOf,
  RateMeter,
  reachedTarget,
  snapshotOf,
  type PartitionPosition,
  type ProgressCounts,
  type ProgressSnapshot,
} from './progress/replay-progress';
export { ProgressReporter, type ProgressReporterOptions } from './progress/progress-reporter';
export {
  canAdvance,
  decideRun,
  isFinished,
  type PartitionOffset,
  type ReplayMode,
  type ReplayStateDocument,
  type ReplayStatus,
  type RunDecision,
} from './state/replay-state';
export {
  REPLAYS_COLLECTION,
  ReplayStateConflictError,
  ReplayStateStore,
} from './state/replay-state.store';
export { activeCollections, aliasVersions, switchAliases } from './state/view-alias.store';
export {
  committedOffsets,
  hasReached,
  MissingTopicError,
  partitionPositions,
  topicEnds,
} from './kafka/partition-positions';
export {
  assertWholeHistory,
  sourceHistory,
  TruncatedSourceError,
  type SourceHistory,
} from './kafka/source-history';
export { auditRebuildRunner, esRebuildRunner, type RebuildRunner } from './runner/rebuild-runner';
export {
  DEFAULT_REBUILD_SETTINGS,
  RebuildConsumer,
  type RebuildConsumerOptions,
  type RebuildSettings,
  type RebuildStats,
} from './runner/rebuild.consumer';
export {
  LiveGroupActiveError,
  ReplayAbandonError,
  ReplayConflictError,
  ReplayInterruptedError,
} from './runner/replay-errors';
export {
  abandonReplay,
  runInPlaceReplay,
  runReplay,
  type ReplayDeps,
  type ReplayOptions,
  type ReplayOutcome,
} from './runner/run-replay';
