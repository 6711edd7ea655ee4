import 'reflect-metadata';
import { topicNames } from '@qf/contracts';
import { writeSchemasFromEnv } from '@qf/player-wire';
import { countMongoCommands, OutboxRelay, PlayerRepository } from '@qf/player-crud';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient, databaseName } from '@qf/shared-mongo';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { outboxRelayConfig } from './outbox-relay.config';
import { OutboxRelayModule } from './outbox-relay.module';

// outbox-relay: publishes pending player outbox entries to crud.audit. Any number of
// replicas (leases keep them apart). Health and metrics on :3110 (QF_HTTP_PORT).
process.env['QF_SERVICE'] ??= 'outbox-relay';
const log = createLogger('outbox-relay');

const main = async () => {
  writeSchemasFromEnv(); // a bad QF_EVENT_WRITE_SCHEMAS stops the start, not every publish
  const config = outboxRelayConfig();
  const client = createMongoClient({ monitorCommands: true });
  countMongoCommands(client);
  await client.connect();
  const db = client.db(databaseName());
  const players = new PlayerRepository(db);
  await players.ensureIndexes();
  const topics = topicNames();
  const relay = new OutboxRelay(players, createKafka('outbox-relay'), {
    topic: topics.crudAudit,
    ...(config.owner ? { owner: config.owner } : {}),
    batchSize: config.batchSize,
    leaseMs: config.leaseMs,
    idleMinMs: config.idleMinMs,
    idleMaxMs: config.idleMaxMs,
    lingerMs: config.lingerMs,
    sweepIntervalMs: config.sweepIntervalMs,
    topics: { partitions: config.partitions },
  });
  await createHttpApp(OutboxRelayModule.forRoot({ client, db, relay }), {
    service: 'outbox-relay',
    port: config.httpPort,
  });
  log.info('outbox-relay ready', {
    port: config.httpPort,
    owner: relay.id,
    topic: topics.crudAudit,
    database: db.databaseName,
  });
};

main().catch((error: unknown) => {
  log.error('outbox-relay failed to start', { error });
  process.exit(1);
});
