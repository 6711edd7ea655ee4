import 'reflect-metadata';
import { topicNames } from '@qf/contracts';
import { exportDeadLetterDepth } from '@qf/dead-letters';
import { AuditConsumer, AuditLog, countMongoCommands, followAuditLogAlias } from '@qf/player-crud';
import { createKafka, ensureFleetTopics } from '@qf/shared-kafka';
import { createMongoClient, databaseName } from '@qf/shared-mongo';
import { createLogger } from '@qf/shared-observability';
import { createHttpApp } from '@qf/shared-observability/http';
import { auditConsumerConfig } from './audit-consumer.config';
import { AuditConsumerModule } from './audit-consumer.module';

// audit-consumer: the consumer group on crud.audit that writes audit_log. Scale by
// replicas (up to the partition count). Health and metrics on :3120 (QF_HTTP_PORT).
process.env['QF_SERVICE'] ??= 'audit-consumer';
const log = createLogger('audit-consumer');

const main = async () => {
  const config = auditConsumerConfig();
  const client = createMongoClient({ monitorCommands: true });
  countMongoCommands(client);
  await client.connect();
  const db = client.db(databaseName());
  // Writes wherever the audit_log alias points, so a `qf replay audit_log` switch is followed.
  const auditLog = new AuditLog(db, followAuditLogAlias(db));
  await auditLog.ensureIndexes();
  const topics = topicNames();
  const kafka = createKafka('audit-consumer');
  const prepare = async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await ensureFleetTopics(admin, ['crudAudit', 'crudAuditDeadLetter'], {
        partitions: config.partitions,
        onDrift: (problem) => log.warn('topic differs from its specification', { ...problem }),
      });
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  // qf_dead_letter_depth on /metrics, read from the broker when scraped.
  exportDeadLetterDepth(kafka, [topics.crudAuditDeadLetter]);
  const consumer = new AuditConsumer(auditLog, kafka, {
    groupId: config.groupId,
    topic: topics.crudAudit,
    deadLetterTopic: topics.crudAuditDeadLetter,
    partitionsConsumedConcurrently: config.concurrency,
    stuckAfterMs: config.stuckAfterMs,
  });
  await createHttpApp(AuditConsumerModule.forRoot({ client, db, consumer, prepare }), {
    service: 'audit-consumer',
    port: config.httpPort,
  });
  log.info('audit-consumer ready', {
    port: config.httpPort,
    groupId: config.groupId,
    topic: topics.crudAudit,
    database: db.databaseName,
  });
};

main().catch((error: unknown) => {
  log.error('audit-consumer failed to start', { error });
  process.exit(1);
});
