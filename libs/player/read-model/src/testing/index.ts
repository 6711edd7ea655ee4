export { expectedReadModels } from './expected-read-models';
export { InMemoryReadModelStore } from './in-memory-read-model.store';
export { produceEvents } from './produce-events';
export { givenProjection, type DocumentExpectation, type StateProjection } from './projection-spec';
export {
  foldLog,
  generateHistories,
  randomHistories,
  randomUuid,
  type RandomHistoryOptions,
} from './random-histories';
export { readModelSnapshot } from './read-model-snapshot';
export { useProjectionInfra, type IsolatedWorld, type ProjectionInfra } from './projection-infra';
