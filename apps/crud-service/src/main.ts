import 'reflect-metadata';
import { writeSchemasFromEnv } from '@qf/player-wire';
import { createLogger } from '@qf/shared-observability';
import { startCrudService } from './crud-service';
import { crudServiceConfig } from './crud-service.config';

// crud-service: REST :3100 and gRPC :50061 over the players documents.
// Flags: --audit=outbox|dual-write (QF_AUDIT_MODE). SIGTERM closes the servers, then Mongo.
process.env['QF_SERVICE'] ??= 'crud-service';
Promise.resolve()
  .then(() => writeSchemasFromEnv()) // a bad QF_EVENT_WRITE_SCHEMAS stops the start
  .then(() => startCrudService(crudServiceConfig()))
  .catch((error: unknown) => {
    createLogger('crud-service').error('crud-service failed to start', { error });
    process.exit(1);
  });
