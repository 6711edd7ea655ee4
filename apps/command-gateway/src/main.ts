import 'reflect-metadata';
import { intFromEnv } from '@qf/shared-config';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { CommandGatewayModule } from './command-gateway.module';

// Ports: QF_HTTP_PORT (REST, /metrics, /health; default 3000) and QF_GRPC_PORT (default 50051), as in the fleet catalog.
const main = async () => {
  const port = intFromEnv('QF_HTTP_PORT', 3000, { max: 65535 });
  const grpcPort = intFromEnv('QF_GRPC_PORT', 50051, { max: 65535 });
  await createHttpApp(CommandGatewayModule.forRoot({ grpcPort }), {
    service: 'command-gateway',
    port,
    openapi: 'command-gateway',
  });
};

main().catch((error: unknown) => {
  createLogger('command-gateway').error('failed to start', { error });
  process.exit(1);
});
