// The experiment: config, metrics, USL fit, /proc sampler, rate search, results format and
// report rendering, and the runner that drives the fleets with them (it needs the fleet,
// Kafka and Mongo, hence type:infra).
export {
  ARCHITECTURES,
  DEFAULT_SCALABLE_SERVICES,
  METRIC_VARIANTS,
  OPERATIONS,
  WRITE_OPERATIONS,
  experimentConfigSchema,
  type Architecture,
  type ExperimentConfig,
  type ExperimentConfigInput,
  type KeyDistribution,
  type MetricVariant,
  type Operation,
  type ScalePoint,
  type WorkloadMix,
} from './config/experiment-config.schema';
export {
  loadExperimentConfig,
  parseExperimentConfig,
  resolveExperimentConfig,
} from './config/load-experiment-config';
export { loadPriceBook, priceBookSchema, type PriceBook } from './config/price-file';
export { DEFAULT_OVERHEADS, estimateRunSeconds, type RunOverheads } from './config/run-budget';
export { ConfigFileError, displayPath, formatFieldPath } from './config/yaml-file';

export {
  costPerSecond,
  productivity,
  psiTable,
  responseValue,
  type CostBreakdown,
  type CostInputs,
  type PsiEntry,
} from './metrics/jogalekar-woodside.metric';
export {
  THESIS_DEFAULT_LIMITS,
  THESIS_DEFAULT_WEIGHTS,
  thesisCost,
  thesisProductivity,
  thesisValue,
  type ThesisCostBreakdown,
  type ThesisCostInputs,
  type ThesisLimits,
  type ThesisWeights,
} from './metrics/thesis.metric';
export { THESIS_PUBLISHED_PSI, THESIS_SOURCE, type PublishedPsi } from './metrics/thesis-published';
export {
  fitUsl,
  uslThroughput,
  type UslCurvePoint,
  type UslFit,
  type UslParams,
  type UslPoint,
} from './usl/usl-fit';
export { RateSearch, type RateSearchSettings, type RateSearchState } from './search/rate-search';

export {
  ResourceSampler,
  clockTicksPerSecond,
  type ResourceSamplerOptions,
  type SampleTarget,
  type SamplingWindow,
} from './sampler/resource-sampler';
export { dirSize, kafkaTopicSize, type DirSize } from './sampler/dir-size';
export { parseProcStat, parseVmRssBytes, type ProcStat } from './sampler/proc-parse';

export type * from './results/experiment-results';
export { collectMachineInfo } from './results/machine-info';
export { RESULTS_FILE, readResults, writeResults } from './results/results-file';

export {
  analyze,
  chooseStep,
  readVisibleRate,
  type Analysis,
  type ProductivityPoint,
} from './analysis/analyze';
export { buildCharts, type ChartSpec } from './report/charts';
export { writeComparison } from './report/compare';
export {
  createReportDir,
  rerenderReport,
  updateLatestLink,
  writeReport,
  type WrittenReport,
} from './report/write-report';

// The runner: orchestrates fleets, load, probes and the report (`qf experiment`, `npm start`).
export {
  runExperiment,
  type ExperimentRun,
  type RunExperimentOptions,
} from './runner/run-experiment';
export { planCells, runTag, type CellPlan } from './runner/run-plan';
export { estimateRemainingSeconds, formatDuration } from './runner/eta';
export { probeConsistency, type ConsistencyProbeOptions } from './runner/consistency.probe';
