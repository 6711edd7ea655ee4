import { gzipSync } from 'node:zlib';
import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { headerString } from '@qf/contracts';
import { readRange } from '@qf/shared-kafka';
import {
  archiveFileKey,
  readManifest,
  sha256,
  verifyFile,
  writeManifest,
  type ArchivedRecord,
  type ArchiveFile,
  type ArchiveManifest,
} from './archive-manifest';
import { latestSnapshotVersions } from './kafka/snapshot-coverage';
import type { ColdStore } from './store/cold-store';

/** The archive's reads: a group name of its own, and room for a long range. */
const ARCHIVE_READ = { groupPrefix: 'qf-archive', timeoutMs: 300_000 } as const;

export interface ArchiveOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: { readonly events: string; readonly snapshots: string };
  readonly store: ColdStore;
  /** Only events appended before this time are archived. */
  readonly before: Date;
  /** After verifying, delete the archived records from Kafka (DeleteRecords). */
  readonly truncate: boolean;
  readonly onPartition?: (result: PartitionArchive, done: number, total: number) => void;
  readonly now?: () => Date;
}

/** Why a partition's archive stopped where it did. */
export type HeldBack =
  | { readonly reason: 'before' }
  | {
      readonly reason: 'snapshot';
      readonly offset: string;
      readonly playerId: string;
      readonly version: number;
      readonly snapshotVersion: number | null;
    };

export interface PartitionArchive {
  readonly partition: number;
  /** Archived in this run (undefined: nothing new). */
  readonly file?: ArchiveFile;
  /** Every record before this offset is archived (this run or earlier). */
  readonly archivedUntil: string;
  readonly heldBack: HeldBack;
  /** Records deleted from Kafka in this run. */
  readonly truncated: number;
}

export interface ArchiveReport {
  readonly topic: string;
  readonly location: string;
  readonly before: string;
  readonly partitions: PartitionArchive[];
  readonly records: number;
  readonly truncated: number;
}

/** Thrown when a file read back from the store is not what was written: nothing is truncated. */
export class ArchiveVerificationError extends Error {}

const eventVersion = (message: KafkaMessage): number | null => {
  try {
    const version = (
      JSON.parse(message.value?.toString('utf8') ?? 'null') as {
        metadata?: { version?: unknown };
      } | null
    )?.metadata?.version;
    return typeof version === 'number' ? version : null;
  } catch {
    return null; // Not an event: nobody can fold it, so no snapshot needs to cover it.
  }
};

const recordOf = (message: KafkaMessage): ArchivedRecord => ({
  offset: message.offset,
  timestamp: message.timestamp,
  key: message.key?.toString('utf8') ?? null,
  headers: Object.fromEntries(
    Object.keys(message.headers ?? {}).map((name) => [
      name,
      headerString(message.headers, name) ?? '',
    ]),
  ),
  value: message.value?.toString('utf8') ?? null,
});

/**
 * `qf archive --before DATE`: per partition of the event topic, copies the records after
 * what is already archived, appended before DATE and covered by their player's latest
 * snapshot (the processor needs nothing at or below it), into one gzip NDJSON file per
 * partition range; reads every file back and checks it; then records it in the manifest.
 * The range stops at the first event its player's snapshot does not cover, so every file
 * is a contiguous prefix that Kafka could drop (`truncate`).
 */
export const runArchive = async (options: ArchiveOptions): Promise<ArchiveReport> => {
  const { kafka, admin, topics, store, before } = options;
  const now = options.now ?? (() => new Date());
  const manifest: ArchiveManifest = await readManifest(store, topics.events);
  const coverage = await latestSnapshotVersions(kafka, admin, topics.snapshots);
  const bounds = await admin.fetchTopicOffsets(topics.events);
  const byTime = await admin.fetchTopicOffsetsByTimestamp(topics.events, before.getTime());
  const results: PartitionArchive[] = [];
  for (const { partition, low, high } of [...bounds].sort((a, b) => a.partition - b.partition)) {
    const entry = (manifest.partitions[String(partition)] ??= { archivedUntil: low, files: [] });
    const from =
      BigInt(entry.archivedUntil) > BigInt(low) ? BigInt(entry.archivedUntil) : BigInt(low);
    const atTime = BigInt(byTime.find((offset) => offset.partition === partition)?.offset ?? high);
    const boundary = atTime < 0n || atTime > BigInt(high) ? BigInt(high) : atTime;
    const records: ArchivedRecord[] = [];
    let heldBack: HeldBack = { reason: 'before' };
    await readRange(
      kafka,
      admin,
      topics.events,
      partition,
      from,
      boundary,
      (message) => {
        const version = eventVersion(message);
        const playerId = message.key?.toString('utf8') ?? '';
        const snapshotVersion = coverage.get(playerId) ?? null;
        if (version !== null && (snapshotVersion === null || version > snapshotVersion)) {
          heldBack = {
            reason: 'snapshot',
            offset: message.offset,
            playerId,
            version,
            snapshotVersion,
          };
          return false;
        }
        records.push(recordOf(message));
        return true;
      },
      ARCHIVE_READ,
    );
    let file: ArchiveFile | undefined;
    const last = records.at(-1);
    if (records.length > 0 && last) {
      // The range ends after the last record taken: markers of the processor's
      // transactions between records belong to it, a held-back event does not.
      const stop = heldBack as HeldBack; // assigned in the callback, which TypeScript does not follow
      const until = stop.reason === 'snapshot' ? BigInt(stop.offset) : boundary;
      const text = records.map((record) => `${JSON.stringify(record)}\n`).join('');
      file = {
        key: archiveFileKey(topics.events, partition, from, until),
        partition,
        fromOffset: records[0]!.offset,
        toOffset: until.toString(),
        records: records.length,
        sha256: sha256(text),
        firstAppendedAt: new Date(Number(records[0]!.timestamp)).toISOString(),
        lastAppendedAt: new Date(Number(last.timestamp)).toISOString(),
        archivedAt: now().toISOString(),
      };
      await store.put(file.key, gzipSync(text));
      const problems = await verifyFile(store, file);
      if (problems.length > 0)
        throw new ArchiveVerificationError(
          `archive of ${topics.events}[${partition}] failed verification: ${problems.join('; ')}`,
        );
      entry.files.push(file);
      entry.archivedUntil = until.toString();
      await writeManifest(store, manifest);
    }
    let truncated = 0;
    if (options.truncate && BigInt(entry.archivedUntil) > BigInt(low)) {
      await admin.deleteTopicRecords({
        topic: topics.events,
        partitions: [{ partition, offset: entry.archivedUntil }],
      });
      truncated = Number(BigInt(entry.archivedUntil) - BigInt(low));
    }
    const result: PartitionArchive = {
      partition,
      ...(file && { file }),
      archivedUntil: entry.archivedUntil,
      heldBack,
      truncated,
    };
    results.push(result);
    options.onPartition?.(result, results.length, bounds.length);
  }
  return {
    topic: topics.events,
    location: store.location,
    before: before.toISOString(),
    partitions: results,
    records: results.reduce((sum, result) => sum + (result.file?.records ?? 0), 0),
    truncated: results.reduce((sum, result) => sum + result.truncated, 0),
  };
};

/** Reads every file of the manifest back and checks it; returns the problems (empty = all verified). */
export const verifyArchive = async (
  store: ColdStore,
  topic: string,
): Promise<{ files: number; records: number; problems: string[] }> => {
  const manifest = await readManifest(store, topic);
  const files = Object.values(manifest.partitions).flatMap((entry) => entry.files);
  const problems = (await Promise.all(files.map((file) => verifyFile(store, file)))).flat();
  return {
    files: files.length,
    records: files.reduce((sum, file) => sum + file.records, 0),
    problems,
  };
};
