// The experiment: config, metrics, USL fit, /proc sampler, rate search, results format and
// report rendering, and the runner that drives the fleets with them (it needs the fleet,
// Kafka and Mongo, hence type:ops).
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
  type KeyDistributionConfig,
  type MetricVariant,
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

export { productivity, responseValue } from './metrics/jogalekar-woodside.metric';
export {
  COST_MODEL_TEXT,
  costUnderModel,
  type CostInputs,
  type ModelCost,
} from './metrics/cost-models';
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
export {
  RateSearch,
  bracketResolved,
  type RateSearchSettings,
  type RateSearchState,
  type SearchSeed,
} from './search/rate-search';
export {
  bootstrapInterval,
  meanInterval,
  ratioInterval,
  type BootstrapOptions,
  type Interval,
} from './stats/bootstrap';
export { permutationTest, type PermutationTest } from './stats/permutation-test';
export {
  budgetCores,
  cfsQuotaUs,
  jvmProcessors,
  type BudgetWindow,
  type CpuCounters,
} from './budget/budget-arithmetic';
export { detectBudgetSupport, type BudgetSupport } from './budget/cgroup-support';
export { CpuBudget } from './budget/cpu-budget';
export { sweepStaleBudgets } from './budget/stale-sweep';

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
  formatInterval,
  readVisibleRate,
  type Analysis,
  type CellSummary,
  type ModelId,
  type PsiEntry,
  type RepPoint,
} from './analysis/analyze';
export { buildCharts, type ChartSpec } from './report/charts';
export { overlaps, writeComparison } from './report/compare';
export { ExperimentRefused } from './runner/run-setup';
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
export { orderSeedOf, planCells, runTag, type CellPlan } from './runner/run-plan';
export { estimateRemainingSeconds, formatCompactDuration } from './runner/eta';
export { probeConsistency, type ConsistencyProbeOptions } from './runner/consistency.probe';
