import type { Db } from 'mongodb';
import { topicNames, type TopicNames } from '@qf/contracts';
import type { Architecture } from '../config/experiment-config.schema';
import type { DiskUsage, StoragePerChange } from '../results/experiment-results';
import { kafkaTopicSize } from '../sampler/dir-size';

/** Bytes of some topics summed over every Kafka log directory (replicas count: they are on disk). */
export const topicBytes = async (
  logDirs: readonly string[],
  topics: readonly string[],
): Promise<number> => {
  const sizes = await Promise.all(logDirs.map((dir) => kafkaTopicSize(dir, topics)));
  return sizes.reduce((sum, size) => sum + size.bytes, 0);
};

interface DbStats {
  dataSize?: number;
  indexSize?: number;
  storageSize?: number;
  fileSize?: number;
}

/**
 * Bytes a database holds. MongoDB reports its own files (storageSize + indexSize); a server
 * that keeps every database in one file (mongo-java-server's H2 store reports fileSize =
 * storageSize for each) cannot tell them apart, so the logical size (dataSize + indexSize)
 * stands for the database's share.
 */
export const databaseBytes = (stats: DbStats): { bytes: number; measure: string } => {
  const shared =
    stats.fileSize !== undefined && stats.fileSize > 0 && stats.fileSize === stats.storageSize;
  if (shared || stats.storageSize === undefined)
    return {
      bytes: (stats.dataSize ?? 0) + (stats.indexSize ?? 0),
      measure: 'data + index size',
    };
  return { bytes: stats.storageSize + (stats.indexSize ?? 0), measure: 'storage + index size' };
};

const dbStatsOf = async (db: Db): Promise<DbStats> =>
  (await db.command({ dbStats: 1 })) as unknown as DbStats;

const collectionBytes = async (db: Db, collection: string): Promise<number> => {
  const stats = (await db.command({ collStats: collection }).catch(() => ({}))) as {
    size?: number;
    totalIndexSize?: number;
  };
  return (stats.size ?? 0) + (stats.totalIndexSize ?? 0);
};

/** The topics of a cell besides the event store, by architecture. */
const otherTopics = (arch: Architecture, topics: TopicNames): string[] =>
  arch === 'es'
    ? [
        topics.commands,
        topics.snapshots,
        topics.ledger,
        topics.replies,
        topics.commandsDeadLetter,
        topics.eventsDeadLetter,
      ]
    : [topics.crudAudit, topics.crudAuditDeadLetter];

/**
 * Bytes on disk at the end of a step: Kafka's log of the cell's topics (the ES event topic
 * priced as the event store) and the cell's database.
 */
export const measureDisk = async (
  arch: Architecture,
  prefix: string,
  db: Db,
  logDirs: readonly string[],
): Promise<DiskUsage[]> => {
  const topics = topicNames(prefix);
  const disk: DiskUsage[] = [];
  if (logDirs.length > 0) {
    if (arch === 'es')
      disk.push({
        name: `kafka: ${topics.events}`,
        role: 'event-store',
        path: logDirs.join(','),
        bytes: await topicBytes(logDirs, [topics.events]),
      });
    disk.push({
      name: `kafka: other ${arch} topics`,
      role: 'broker',
      path: logDirs.join(','),
      bytes: await topicBytes(logDirs, otherTopics(arch, topics)),
    });
  }
  const database = databaseBytes(await dbStatsOf(db));
  disk.push({
    name: `mongo: ${db.databaseName} (${database.measure})`,
    role: 'database',
    bytes: database.bytes,
  });
  return disk;
};

/**
 * Bytes stored per state change at the end state: ES keeps the event log, snapshots and
 * the processors' ledger (plus the read models built from them); CRUD keeps the documents and the audit log
 * (plus the audit topic it travels through). One change = one event (ES: a player_events
 * entry; CRUD: an audit_log entry).
 */
export const measureStoragePerChange = async (
  arch: Architecture,
  prefix: string,
  db: Db,
  logDirs: readonly string[],
): Promise<StoragePerChange> => {
  const topics = topicNames(prefix);
  let components: Record<string, number>;
  let changes: number;
  if (arch === 'es') {
    changes = await db.collection('player_events').countDocuments({});
    components = {
      'event log': await topicBytes(logDirs, [topics.events]),
      snapshots: await topicBytes(logDirs, [topics.snapshots]),
      ledger: await topicBytes(logDirs, [topics.ledger]),
      'read models': databaseBytes(await dbStatsOf(db)).bytes,
    };
  } else {
    changes = await db.collection('audit_log').countDocuments({});
    components = {
      documents: await collectionBytes(db, 'players'),
      'audit log': await collectionBytes(db, 'audit_log'),
      'audit topic': await topicBytes(logDirs, [topics.crudAudit]),
    };
  }
  const total = Object.values(components).reduce((sum, bytes) => sum + bytes, 0);
  return {
    arch,
    changes,
    bytesByComponent: components,
    bytesPerChange: changes > 0 ? Math.round((total / changes) * 10) / 10 : 0,
  };
};
