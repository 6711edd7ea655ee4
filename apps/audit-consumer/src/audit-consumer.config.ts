import { DEFAULT_PARTITIONS } from '@qf/contracts';
import { intFromEnv, stringFromEnv } from '@qf/shared-config';

/** Everything audit-consumer reads from its environment. */
export interface AuditConsumerConfig {
  readonly httpPort: number;
  readonly groupId: string;
  readonly partitions: number;
  readonly concurrency: number;
  /** A partition failing this long turns /health/ready degraded (QF_STUCK_PARTITION_MS). */
  readonly stuckAfterMs: number;
}

export const auditConsumerConfig = (env: NodeJS.ProcessEnv = process.env): AuditConsumerConfig => ({
  httpPort: intFromEnv('QF_HTTP_PORT', 3120, { max: 65535 }, env),
  groupId: stringFromEnv('QF_AUDIT_GROUP', `${env['QF_TOPIC_PREFIX'] ?? ''}audit-consumer`, env),
  partitions: intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
  concurrency: intFromEnv('QF_AUDIT_CONCURRENCY', 12, { min: 1, max: 1000 }, env),
  stuckAfterMs: intFromEnv('QF_STUCK_PARTITION_MS', 15_000, { min: 100, max: 3_600_000 }, env),
});
