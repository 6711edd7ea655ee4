import path from 'node:path';

/** Root folder of the .proto files (for @grpc/proto-loader's includeDirs). */
export const PROTO_ROOT = path.resolve(__dirname, '../proto');
/** The Quest Fleet API proto, package questfleet.v1. */
export const PLAYERS_PROTO = path.join(PROTO_ROOT, 'questfleet/v1/players.proto');
/** grpc.health.v1 (the standard health checking protocol). */
export const HEALTH_PROTO = path.join(PROTO_ROOT, 'grpc/health/v1/health.proto');
/** google.rpc.Status and the error details sent with it. */
export const RPC_STATUS_PROTOS = [
  path.join(PROTO_ROOT, 'google/rpc/status.proto'),
  path.join(PROTO_ROOT, 'google/rpc/error_details.proto'),
];
