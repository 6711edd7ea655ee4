import fs from 'node:fs/promises';
import path from 'node:path';

export interface DirSize {
  /** Allocated bytes (st_blocks x 512), what `du` reports: what the disk actually holds. */
  readonly bytes: number;
  /** Sum of file sizes (st_size), what `du --apparent-size` reports. */
  readonly apparentBytes: number;
  readonly files: number;
}

/**
 * Bytes on disk under `dir`, recursively, like `du -s`: st_blocks x 512 of every file and
 * directory (hard links counted once, symlinks not followed). Files that vanish while walking
 * (Kafka deletes and rolls segments) are skipped. A missing directory is 0 bytes.
 */
export const dirSize = async (dir: string): Promise<DirSize> => {
  const seen = new Set<string>();
  let bytes = 0;
  let apparentBytes = 0;
  let files = 0;
  const walk = async (current: string): Promise<void> => {
    let stat;
    try {
      stat = await fs.lstat(current);
    } catch {
      return;
    }
    const inode = `${stat.dev}:${stat.ino}`;
    if (seen.has(inode)) return;
    seen.add(inode);
    bytes += stat.blocks * 512;
    if (stat.isFile()) {
      apparentBytes += stat.size;
      files += 1;
    }
    if (!stat.isDirectory()) return;
    let entries: string[];
    try {
      entries = await fs.readdir(current);
    } catch {
      return;
    }
    for (const entry of entries) await walk(path.join(current, entry));
  };
  await walk(dir);
  return { bytes, apparentBytes, files };
};

/** Kafka keeps one directory per partition, named `<topic>-<partition>`. */
export const isTopicPartitionDir = (name: string, topic: string): boolean =>
  name.startsWith(`${topic}-`) && /^\d+$/.test(name.slice(topic.length + 1));

/** Bytes on disk of the given topics in a Kafka log directory (e.g. the event store: player.events). */
export const kafkaTopicSize = async (
  logDir: string,
  topics: readonly string[],
): Promise<DirSize> => {
  let entries: string[];
  try {
    entries = await fs.readdir(logDir);
  } catch {
    return { bytes: 0, apparentBytes: 0, files: 0 };
  }
  const dirs = entries.filter((entry) => topics.some((topic) => isTopicPartitionDir(entry, topic)));
  const sizes = await Promise.all(dirs.map((entry) => dirSize(path.join(logDir, entry))));
  return sizes.reduce(
    (sum, size) => ({
      bytes: sum.bytes + size.bytes,
      apparentBytes: sum.apparentBytes + size.apparentBytes,
      files: sum.files + size.files,
    }),
    {
      bytes: 0,
      apparentBytes: 0,
      files: 0,
    },
  );
};
