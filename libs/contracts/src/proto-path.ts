import path from 'node:path';

/** Root folder of the .proto files (for @grpc/proto-loader's includeDirs). */
export const PROTO_ROOT = path.resolve(__dirname, '../proto');
/** The Quest Fleet API proto, package questfleet.v1. */
export const PLAYERS_PROTO = path.join(PROTO_ROOT, 'questfleet/v1/players.proto');
