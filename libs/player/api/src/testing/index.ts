export { exerciseCommands, exerciseOperations, exerciseQueries } from './contract-requests';
export { OpenApiContract } from './openapi-contract';
export { historyPagesMatch, pagedReadsMatch, walkPages } from './walk-pages';
