import fs from 'node:fs/promises';
import path from 'node:path';
import { S3ColdStore } from './s3-cold-store';

/** Where archived files go: a directory, or a bucket of an S3-compatible server. */
export interface ColdStore {
  /** What a person reads in a report: the directory or the s3:// URL. */
  readonly location: string;
  put(key: string, body: Buffer): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
}

/** A directory on a mounted disk; files are written under a temporary name and renamed. */
export class DirectoryColdStore implements ColdStore {
  constructor(readonly location: string) {}

  async put(key: string, body: Buffer): Promise<void> {
    const file = path.join(this.location, key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    await fs.writeFile(partial, body);
    await fs.rename(partial, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(path.join(this.location, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}

/** Thrown for a --to value that names no store. */
export class ColdStoreUrlError extends Error {}

/**
 * `/some/dir`, `file:///some/dir`, or `s3://bucket/prefix` (an S3-compatible server:
 * `?endpoint=http://host:9000` or AWS_ENDPOINT_URL, credentials from AWS_ACCESS_KEY_ID /
 * AWS_SECRET_ACCESS_KEY, region from AWS_REGION, default us-east-1).
 */
export const openColdStore = (url: string, env: NodeJS.ProcessEnv = process.env): ColdStore => {
  if (url.startsWith('s3://')) return S3ColdStore.fromUrl(url, env);
  if (url.startsWith('file://')) return new DirectoryColdStore(new URL(url).pathname);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url))
    throw new ColdStoreUrlError(
      `--to takes a directory, file:///dir or s3://bucket/prefix; got ${url}`,
    );
  return new DirectoryColdStore(path.resolve(url));
};
