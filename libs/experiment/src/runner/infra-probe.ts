import fs from 'node:fs';
import path from 'node:path';
import type { Db } from 'mongodb';
import {
  INFRA_PREFIX,
  infraStatus,
  isRecordedAlive,
  listRecorded,
  type InfraContext,
} from '@qf/local-infra';
import { createRedis } from '@qf/shared-redis';
import type { BackendInfo, ProcessRole } from '../results/experiment-results';
import type { SampleTarget } from '../sampler/resource-sampler';

/** `infra-kafka-1` → kafka-1 (kafka), `infra-mongo` → mongo (database), `infra-redis` → redis. */
export const infraRole = (recordName: string): { name: string; role: ProcessRole } => {
  const name = recordName.startsWith(INFRA_PREFIX)
    ? recordName.slice(INFRA_PREFIX.length)
    : recordName;
  const role: ProcessRole = name.startsWith('kafka')
    ? 'kafka'
    : name.startsWith('mongo')
      ? 'database'
      : name.startsWith('redis')
        ? 'redis'
        : 'other';
  return { name, role };
};

/** The infrastructure servers this project started and that run now, as sampler targets. */
export const infraSampleTargets = (ctx: InfraContext): SampleTarget[] =>
  listRecorded(ctx, INFRA_PREFIX)
    .filter(isRecordedAlive)
    .map((record) => ({ ...infraRole(record.name), pid: record.pid }))
    .sort((a, b) => a.name.localeCompare(b.name));

/** `log.dirs` of a Kafka server.properties text. */
export const logDirsOf = (properties: string): string[] => {
  const line = properties
    .split('\n')
    .map((entry) => entry.trim())
    .find((entry) => /^log\.dirs?\s*=/.test(entry));
  if (!line) return [];
  return line
    .slice(line.indexOf('=') + 1)
    .split(',')
    .map((dir) => dir.trim())
    .filter(Boolean);
};

/** The log directories of the local Kafka nodes (empty for an external cluster). */
export const kafkaLogDirs = (ctx: InfraContext): string[] => {
  if (process.env['KAFKA_BROKERS']) return [];
  let brokers = 1;
  try {
    const recorded = JSON.parse(fs.readFileSync(path.join(ctx.runDir, 'infra.json'), 'utf8')) as {
      brokers?: number;
    };
    brokers = recorded.brokers ?? 1;
  } catch {
    /* not recorded: the single-node default */
  }
  const clusterDir = path.join(ctx.dataDir, `kafka-${brokers}node`);
  let files: string[];
  try {
    files = fs.readdirSync(clusterDir).filter((file) => /^node-\d+\.properties$/.test(file));
  } catch {
    return [];
  }
  return files.flatMap((file) => logDirsOf(fs.readFileSync(path.join(clusterDir, file), 'utf8')));
};

/** Where the local Mongo-wire server keeps its data (undefined for an external one). */
export const mongoDataDir = (ctx: InfraContext): string | undefined =>
  process.env['MONGO_URL'] ? undefined : path.join(ctx.dataDir, 'mongo');

const versionIn = (text: string | undefined, pattern: RegExp): string | undefined =>
  text ? pattern.exec(text)?.[1] : undefined;

/** Names and versions of Kafka, the database and Redis, for results.json and the report. */
export const backendInfo = async (ctx: InfraContext, adminDb: Db): Promise<BackendInfo[]> => {
  const status = await infraStatus(ctx).catch(() => []);
  const detailOf = (name: string) => status.find((row) => row.name === name);
  const kafka = detailOf('kafka');
  const mongo = detailOf('mongo');
  const build = (await adminDb.command({ buildInfo: 1 }).catch(() => ({}))) as {
    version?: string;
  };
  const redis = createRedis({ lazyConnect: true, maxRetriesPerRequest: 1 });
  let redisVersion = 'unknown';
  try {
    await redis.connect();
    redisVersion = versionIn(await redis.info('server'), /redis_version:(\S+)/) ?? 'unknown';
  } catch {
    /* stays unknown */
  } finally {
    redis.disconnect();
  }
  const mongoDetail = mongo?.detail ?? (mongo?.mode === 'external' ? 'external server' : '');
  return [
    {
      role: 'kafka',
      name: 'Apache Kafka (KRaft)',
      version: versionIn(kafka?.detail, /Apache Kafka (\S+)/) ?? 'unknown',
      detail: `${kafka?.detail ?? kafka?.mode ?? ''} at ${kafka?.address ?? '?'}`.trim(),
    },
    {
      role: 'database',
      name: /^(\S+)/.exec(mongoDetail)?.[1] ?? 'MongoDB-wire server',
      version: versionIn(mongoDetail, /^\S+ (\S+)/) ?? 'unknown',
      detail: `${mongoDetail}; reports MongoDB ${build.version ?? '?'} at ${mongo?.address ?? '?'}`,
    },
    {
      role: 'redis',
      name: 'Redis',
      version: redisVersion,
      detail: `${detailOf('redis')?.detail ?? ''} at ${detailOf('redis')?.address ?? '?'}`.trim(),
    },
  ];
};
