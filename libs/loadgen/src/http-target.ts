import { Pool } from 'undici';

/** A response as the load generator needs it. */
export interface TargetResponse {
  readonly status: number;
  readonly body: string;
}

/** What a scenario sends requests through: one base URL, or several replicas behind one face. */
export interface RequestTarget {
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<TargetResponse>;
  /** POSTs JSON and resolves with the status only, the body discarded unread (load steps). */
  postStatus?(path: string, body: unknown): Promise<number>;
  get(path: string): Promise<TargetResponse>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Keep-alive HTTP/1.1 to one base URL through an undici connection pool: the client side
 * must cost little CPU, because on one machine it competes with the system it measures.
 */
export class HttpTarget implements RequestTarget {
  private readonly pool: Pool;
  private readonly prefix: string;
  /** The services' bearer token (QF_API_TOKEN), sent with every request when set. */
  private readonly auth: Record<string, string>;

  constructor(
    readonly baseUrl: string,
    {
      connections = 64,
      timeoutMs = 30_000,
      apiToken = process.env['QF_API_TOKEN'],
    }: { connections?: number; timeoutMs?: number; apiToken?: string } = {},
  ) {
    this.auth = apiToken ? { authorization: `Bearer ${apiToken}` } : {};
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/$/, '');
    this.pool = new Pool(url.origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  /** POSTs JSON; resolves with the status and the body (never throws for an HTTP status). */
  async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<TargetResponse> {
    const response = await this.pool.request({
      method: 'POST',
      path: `${this.prefix}${path}`,
      headers: { 'content-type': 'application/json', ...this.auth, ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  async postStatus(path: string, body: unknown): Promise<number> {
    const response = await this.pool.request({
      method: 'POST',
      path: `${this.prefix}${path}`,
      headers: JSON_HEADERS,
      body: JSON.stringify(body),
    });
    await response.body.dump();
    return response.statusCode;
  }

  async get(path: string): Promise<TargetResponse> {
    const response = await this.pool.request({
      method: 'GET',
      path: `${this.prefix}${path}`,
      headers: this.auth,
    });
    return { status: response.statusCode, body: await response.body.text() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
