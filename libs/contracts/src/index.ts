export * from './api/api-error';
export * from './api/command-result';
export * from './api/encoded-answer';
export * from './api/pagination';
export * from './api/problem-mapping';
export * from './api/query-results';
export * from './http/request-schemas';
export * from './kafka/command-record';
export * from './kafka/command-reply';
export * from './kafka/headers';
export * from './kafka/topic-names';
export { HEALTH_PROTO, PLAYERS_PROTO, PROTO_ROOT, RPC_STATUS_PROTOS } from './proto-path';
export * from './api/answer-schemas';
export { docsPage } from './openapi/docs-page';
export { jsonSchemaOf, openApiDocument } from './openapi/openapi-document';
export {
  operationalRoutes,
  SERVICE_ROUTES,
  type ApiServiceName,
  type ResponseSpec,
  type RouteSpec,
} from './openapi/openapi-routes';
export * from './kafka/topic-spec';
export * from './wire/player-messages';
