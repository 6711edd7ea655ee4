import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { topicNames } from '@qf/contracts';
import { GrpcLifecycle } from '@qf/player-api';
import {
  AuditLog,
  countMongoCommands,
  CrudCommandExecutor,
  CrudQueries,
  followAuditLogAlias,
  KafkaAuditPublisher,
  PlayerRepository,
  type AuditPublisher,
} from '@qf/player-crud';
import { createKafka, ensureFleetTopics, isTopicRefusal } from '@qf/shared-kafka';
import {
  createMongoClient,
  databaseName,
  queryTimeoutMs,
  servingClientOptions,
} from '@qf/shared-mongo';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import type { CrudServiceConfig } from './crud-service.config';
import { CrudServiceModule } from './crud-service.module';

export interface RunningCrudService {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly grpcPort: number;
  close(): Promise<void>;
}

const log = createLogger('crud-service');

/**
 * In dual-write mode the service publishes itself. The topic is created when Kafka
 * answers; when it does not, the service still starts: commands succeed and their
 * audit events are lost, which is the behaviour the baseline is there to show.
 */
const dualWritePublisher = async (partitions: number): Promise<AuditPublisher> => {
  const topics = topicNames();
  const kafka = createKafka('crud-service', {
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
    connectionTimeout: 1000,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await ensureFleetTopics(admin, ['crudAudit', 'crudAuditDeadLetter'], {
      partitions,
      onDrift: (problem) => log.warn('topic differs from its specification', { ...problem }),
    });
  } catch (error) {
    if (isTopicRefusal(error)) throw error;
    log.warn('Kafka unreachable at start; dual-write publishes will fail until it is back', {
      error: (error as Error).message,
    });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return new KafkaAuditPublisher(kafka, topics.crudAudit);
};

/** Connects Mongo (indexes), builds the executor for the audit mode, and serves REST + gRPC. */
export const startCrudService = async (config: CrudServiceConfig): Promise<RunningCrudService> => {
  const client = createMongoClient({ ...servingClientOptions(), monitorCommands: true });
  countMongoCommands(client);
  await client.connect();
  const db = client.db(databaseName());
  const players = new PlayerRepository(db);
  // Follows the audit_log alias, so a `qf replay audit_log` switch reaches the history queries.
  const auditLog = new AuditLog(db, followAuditLogAlias(db));
  await players.ensureIndexes();
  await auditLog.ensureIndexes();
  const publisher =
    config.auditMode === 'dual-write' ? await dualWritePublisher(config.partitions) : undefined;
  const executor = new CrudCommandExecutor(players, {
    mode: config.auditMode,
    retry: config.retry,
    recentLimit: config.recentLimit,
    stateCache: config.stateCache,
    ...(publisher ? { publisher } : {}),
  });
  const app = await createHttpApp(
    CrudServiceModule.forRoot({
      client,
      db,
      executor,
      queries: new CrudQueries(players, auditLog, { maxTimeMS: queryTimeoutMs() }),
      grpcPort: config.grpcPort,
      ...(publisher ? { publisher } : {}),
    }),
    { service: 'crud-service', port: config.httpPort, openapi: 'crud-service' },
  );
  const grpcPort = app.get(GrpcLifecycle).boundPort ?? config.grpcPort;
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
  log.info('crud-service ready', {
    url,
    grpcPort,
    auditMode: config.auditMode,
    database: db.databaseName,
  });
  return { app, url, grpcPort, close: () => app.close() };
};
