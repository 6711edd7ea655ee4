import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './repo-root';

/** Where Kafka, the Mongo-wire database and Redis are, for services and tests. */
export interface InfraAddresses {
  readonly kafkaBrokers: string[];
  readonly mongoUrl: string;
  readonly redisUrl: string;
}

const recordedAddresses = (): Partial<Record<'kafkaBrokers' | 'mongoUrl' | 'redisUrl', string>> => {
  const localDir = process.env['QF_LOCAL_DIR'] ?? path.join(repoRoot, '.local');
  try {
    return JSON.parse(fs.readFileSync(path.join(localDir, 'run', 'infra.json'), 'utf8'));
  } catch {
    return {};
  }
};

/**
 * Resolution order: the env var (KAFKA_BROKERS, MONGO_URL, REDIS_URL: an external
 * cluster), then what `qf infra up` recorded in .local/run/infra.json, then the defaults.
 */
export const infraAddresses = (env: NodeJS.ProcessEnv = process.env): InfraAddresses => {
  const recorded = recordedAddresses();
  const kafka = env['KAFKA_BROKERS'] || recorded.kafkaBrokers || '127.0.0.1:9092';
  return {
    kafkaBrokers: kafka
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
    mongoUrl: env['MONGO_URL'] || recorded.mongoUrl || 'mongodb://127.0.0.1:27017',
    redisUrl: env['REDIS_URL'] || recorded.redisUrl || 'redis://127.0.0.1:6379',
  };
};
