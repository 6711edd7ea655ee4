import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { InfraComponent } from '../component';
import type { InfraContext } from '../infra-context';
import { failureWithLogTail } from '../process/log-tail';
import { findRecorded, isRecordedAlive, logPathFor, spawnRecorded } from '../process/pid-registry';
import { hasTool } from '../process/require-tool';
import { runToCompletion } from '../process/run-command';
import { waitUntilReadyOrExited, watchRecorded } from '../process/wait-until-ready-or-exited';
import { INFRA_PREFIX } from '../process/names';

const REDIS_PROCESS = `${INFRA_PREFIX}redis`;

const port = () => Number(process.env['QF_REDIS_PORT'] ?? 6379);
const localUrl = () => `redis://127.0.0.1:${port()}`;

const ping = async (url: string): Promise<boolean> => {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    // Something else listening on the port (not Redis) answers nothing: give up on it soon.
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
};

/** Redis 7 from Debian's packages, installed with apt-get when missing. */
export const redisComponent: InfraComponent = {
  name: 'redis',

  external: () => process.env['REDIS_URL'] || undefined,

  localAddress: () => localUrl(),

  async install(ctx: InfraContext): Promise<void> {
    if (hasTool('redis-server')) return;
    if (!hasTool('apt-get') || process.getuid?.() !== 0) {
      throw new Error(
        'redis: `redis-server` is missing; install Redis 7 (Debian: apt-get install redis-server) or set REDIS_URL',
      );
    }
    fs.mkdirSync(ctx.logDir, { recursive: true });
    const logFile = path.join(ctx.logDir, 'redis-install.log');
    ctx.log('redis: installing redis-server from Debian packages (once)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runToCompletion('redis: apt-get update', 'apt-get', ['update', '-q'], {
      cwd: ctx.root,
      logFile,
      env,
    });
    await runToCompletion(
      'redis: apt-get install redis-server',
      'apt-get',
      ['install', '-y', '-q', 'redis-server'],
      { cwd: ctx.root, logFile, env },
    );
  },

  async start(ctx: InfraContext): Promise<void> {
    const existing = findRecorded(ctx, REDIS_PROCESS);
    if (existing && isRecordedAlive(existing)) return;
    // Someone else's Redis on the port is used as it is, as the design asks.
    if (await ping(localUrl())) return;
    const dataDir = path.join(ctx.dataDir, 'redis');
    fs.mkdirSync(dataDir, { recursive: true });
    const record = spawnRecorded(ctx, {
      name: REDIS_PROCESS,
      command: 'redis-server',
      args: [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port()),
        '--dir',
        dataDir,
        // The cache is rebuilt from Mongo on a miss: no persistence needed.
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--maxmemory',
        '512mb',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
    });
    await waitUntilReadyOrExited({
      servers: [watchRecorded('redis: redis-server', record)],
      isReady: () => ping(localUrl()),
      timeoutMs: 20_000,
      timeoutError: () =>
        failureWithLogTail(
          `redis: no PONG from ${localUrl()} within 20 s`,
          logPathFor(ctx, REDIS_PROCESS),
        ),
    });
  },

  isHealthy: (address: string) => ping(address),

  async describe(ctx: InfraContext): Promise<string | undefined> {
    const record = findRecorded(ctx, REDIS_PROCESS);
    return record && isRecordedAlive(record)
      ? `redis-server (Debian), pid ${record.pid}`
      : 'pre-existing server on the port';
  },
};
