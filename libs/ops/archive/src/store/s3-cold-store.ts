import aws4 from 'aws4';
import type { ColdStore } from './cold-store';

interface S3Location {
  readonly endpoint: URL;
  readonly bucket: string;
  readonly prefix: string;
  readonly region: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/**
 * Objects in a bucket of any S3-compatible server (AWS, MinIO, Ceph, s3rver), path-style
 * requests signed with SigV4. Only PUT and GET: an archive never changes what it wrote.
 */
export class S3ColdStore implements ColdStore {
  readonly location: string;

  constructor(private readonly s3: S3Location) {
    this.location = `s3://${s3.bucket}/${s3.prefix}`;
  }

  static fromUrl(url: string, env: NodeJS.ProcessEnv): S3ColdStore {
    const parsed = new URL(url);
    const endpoint =
      parsed.searchParams.get('endpoint') ??
      env['AWS_ENDPOINT_URL'] ??
      `https://s3.${env['AWS_REGION'] ?? 'us-east-1'}.amazonaws.com`;
    const accessKeyId = env['AWS_ACCESS_KEY_ID'];
    const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
    if (!accessKeyId || !secretAccessKey)
      throw new Error('an s3:// archive needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    return new S3ColdStore({
      endpoint: new URL(endpoint),
      bucket: parsed.hostname,
      prefix: parsed.pathname.replace(/^\/+/, ''),
      region: env['AWS_REGION'] ?? 'us-east-1',
      credentials: {
        accessKeyId,
        secretAccessKey,
        ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}),
      },
    });
  }

  async put(key: string, body: Buffer): Promise<void> {
    const response = await this.request('PUT', key, body);
    if (!response.ok)
      throw new Error(`PUT ${this.location}${key}: ${response.status} ${await response.text()}`);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const response = await this.request('GET', key);
    if (response.status === 404) return undefined;
    if (!response.ok)
      throw new Error(`GET ${this.location}${key}: ${response.status} ${await response.text()}`);
    return Buffer.from(await response.arrayBuffer());
  }

  private request(method: 'GET' | 'PUT', key: string, body?: Buffer): Promise<Response> {
    const { endpoint, bucket, prefix, region, credentials } = this.s3;
    const objectPath = `/${bucket}/${[prefix.replace(/\/+$/, ''), key].filter(Boolean).join('/')}`
      .split('/')
      .map(encodeURIComponent)
      .join('/');
    const signed = aws4.sign(
      {
        host: endpoint.host,
        path: objectPath,
        method,
        service: 's3',
        region,
        headers: body
          ? { 'content-type': 'application/gzip', 'content-length': String(body.length) }
          : {},
        ...(body ? { body } : {}),
      },
      credentials,
    );
    const url = `${endpoint.protocol}//${endpoint.host}${objectPath}`;
    // fetch sets Host and Content-Length itself (and refuses a second Content-Length).
    const headers = Object.fromEntries(
      Object.entries(signed.headers ?? {}).filter(
        ([name]) => !/^(host|content-length)$/i.test(name),
      ),
    ) as Record<string, string>;
    return fetch(url, {
      method,
      headers,
      ...(body ? { body } : {}),
      signal: AbortSignal.timeout(60_000),
    }).catch((error: unknown) => {
      // fetch says only "fetch failed"; the cause says why (refused, DNS, TLS …).
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new Error(`${method} ${url}: ${cause ?? (error as Error).message}`);
    });
  }
}
