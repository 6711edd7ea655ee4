import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { ColdStore } from './store/cold-store';

/** One archived file: a contiguous offset range of one partition. */
export interface ArchiveFile {
  readonly key: string;
  readonly partition: number;
  /** First offset in the file. */
  readonly fromOffset: string;
  /** The offset after the range: the next archive of the partition starts here. */
  readonly toOffset: string;
  readonly records: number;
  /** SHA-256 of the uncompressed NDJSON, computed while reading Kafka. */
  readonly sha256: string;
  readonly firstAppendedAt: string;
  readonly lastAppendedAt: string;
  readonly archivedAt: string;
}

/** What the archive of one topic holds (`<topic>/manifest.json` in the store). */
export interface ArchiveManifest {
  readonly topic: string;
  /** Per partition: every record before archivedUntil is in the files. */
  readonly partitions: Record<string, { archivedUntil: string; files: ArchiveFile[] }>;
}

export const manifestKey = (topic: string): string => `${topic}/manifest.json`;

/** `<topic>/partition-0003/<from>-<to>.ndjson.gz`, zero-padded so names sort by offset. */
export const archiveFileKey = (
  topic: string,
  partition: number,
  from: bigint,
  to: bigint,
): string =>
  `${topic}/partition-${String(partition).padStart(4, '0')}/${from.toString().padStart(20, '0')}-${to.toString().padStart(20, '0')}.ndjson.gz`;

export const readManifest = async (store: ColdStore, topic: string): Promise<ArchiveManifest> => {
  const body = await store.get(manifestKey(topic));
  return body ? (JSON.parse(body.toString('utf8')) as ArchiveManifest) : { topic, partitions: {} };
};

export const writeManifest = (store: ColdStore, manifest: ArchiveManifest): Promise<void> =>
  store.put(manifestKey(manifest.topic), Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));

export const sha256 = (text: string | Buffer): string =>
  createHash('sha256').update(text).digest('hex');

/** One archived record, one NDJSON line: the record's bytes and coordinates, nothing derived. */
export interface ArchivedRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
  readonly headers: Record<string, string>;
  readonly value: string | null;
}

/** Reads a file back from the store and checks it against what was written; returns the problems (empty = verified). */
export const verifyFile = async (store: ColdStore, file: ArchiveFile): Promise<string[]> => {
  const body = await store.get(file.key);
  if (!body) return [`${file.key} is missing from ${store.location}`];
  let text: string;
  try {
    text = gunzipSync(body).toString('utf8');
  } catch (error) {
    return [`${file.key} is not gzip: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  if (sha256(text) !== file.sha256)
    problems.push(`${file.key}: SHA-256 differs from the records read from Kafka`);
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ArchivedRecord);
  if (lines.length !== file.records)
    problems.push(`${file.key}: ${lines.length} records, ${file.records} archived`);
  if (lines[0]?.offset !== file.fromOffset)
    problems.push(`${file.key}: starts at offset ${lines[0]?.offset}, not ${file.fromOffset}`);
  return problems;
};
