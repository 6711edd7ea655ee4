export {
  exerciseCommands,
  exerciseCommandStatus,
  exerciseOperations,
  exerciseQueries,
} from './contract-requests';
export { OpenApiContract } from './openapi-contract';
export { historyPagesMatch, pagedReadsMatch, walkPages } from './walk-pages';
