/** Every deployable service of the fleet, its entry point, ports and the env vars it reads. */
export interface ServiceSpec {
  readonly name: string;
  readonly arch: 'es' | 'crud';
  readonly entry: string;
  /** HTTP port serving /health and /metrics (REST API too where there is one). */
  readonly httpPort: number;
  readonly grpcPort?: number;
  /** Consumers scale by replicas within a consumer group; HTTP fronts by port offset. */
  readonly scalable: 'consumer' | 'http';
}

export const INFRA_ENV_VARS = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL'] as const;

export const fleetCatalog: readonly ServiceSpec[] = [
  {
    name: 'command-gateway',
    arch: 'es',
    entry: 'apps/command-gateway/src/main.ts',
    httpPort: 3000,
    grpcPort: 50051,
    scalable: 'http',
  },
  {
    name: 'command-processor',
    arch: 'es',
    entry: 'apps/command-processor/src/main.ts',
    httpPort: 3010,
    scalable: 'consumer',
  },
  {
    name: 'projector',
    arch: 'es',
    entry: 'apps/projector/src/main.ts',
    httpPort: 3020,
    scalable: 'consumer',
  },
  {
    name: 'query-service',
    arch: 'es',
    entry: 'apps/query-service/src/main.ts',
    httpPort: 3001,
    grpcPort: 50052,
    scalable: 'http',
  },
  {
    name: 'crud-service',
    arch: 'crud',
    entry: 'apps/crud-service/src/main.ts',
    httpPort: 3100,
    grpcPort: 50061,
    scalable: 'http',
  },
  {
    name: 'outbox-relay',
    arch: 'crud',
    entry: 'apps/outbox-relay/src/main.ts',
    httpPort: 3110,
    scalable: 'consumer',
  },
  {
    name: 'audit-consumer',
    arch: 'crud',
    entry: 'apps/audit-consumer/src/main.ts',
    httpPort: 3120,
    scalable: 'consumer',
  },
];
