export {
  DEFAULT_PROJECT_BENCH,
  formatProjectBench,
  runProjectBench,
  type ProjectBenchOptions,
  type ProjectBenchReport,
} from './project.bench';
export {
  DEFAULT_CONSISTENCY_BENCH,
  formatConsistencyBench,
  runConsistencyBench,
  type ConsistencyBenchOptions,
  type ConsistencyBenchReport,
} from './consistency.bench';
