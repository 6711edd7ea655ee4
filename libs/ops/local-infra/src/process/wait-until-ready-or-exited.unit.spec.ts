import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InfraContext } from '../infra-context';
import { spawnRecorded } from './pid-registry';
import {
  waitUntilReadyOrExited,
  watchRecorded,
  type WatchedServer,
} from './wait-until-ready-or-exited';

const never = () => new Promise<boolean>(() => undefined);
const timedOut = () => new Error('redis: no PONG within 60 s');

/** What the wait came to so far: pending, 'ready', or its error. */
const track = (wait: Promise<void>) => {
  const state: { outcome: 'pending' | 'ready' | Error } = { outcome: 'pending' };
  wait.then(
    () => (state.outcome = 'ready'),
    (error: Error) => (state.outcome = error),
  );
  return state;
};

describe('waitUntilReadyOrExited', () => {
  let dir: string;
  let logFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-ready-or-exited-'));
    logFile = path.join(dir, 'infra-redis.log');
    fs.writeFileSync(
      logFile,
      'starting\n# Could not create server TCP listening socket: bind: in use\n',
    );
  });
  afterEach(() => {
    jest.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const server = (name: string, isAlive: () => boolean, ending?: string): WatchedServer => ({
    name,
    logFile,
    isAlive,
    ending: () => ending,
  });

  it('fails within the alive check of the exit, even while a probe hangs, quoting the log', async () => {
    jest.useFakeTimers();
    let alive = true;
    setTimeout(() => (alive = false), 3_000);
    const state = track(
      waitUntilReadyOrExited({
        servers: [server('redis: redis-server (pid 42)', () => alive, 'code 1')],
        isReady: never,
        timeoutMs: 60_000,
        timeoutError: timedOut,
      }),
    );
    await jest.advanceTimersByTimeAsync(2_900);
    expect(state.outcome).toBe('pending');
    await jest.advanceTimersByTimeAsync(300);
    expect(state.outcome).toBeInstanceOf(Error);
    expect((state.outcome as Error).message).toBe(
      [
        `redis: redis-server (pid 42) exited (code 1) before answering; the last 2 lines of ${logFile}:`,
        '    | starting',
        '    | # Could not create server TCP listening socket: bind: in use',
      ].join('\n'),
    );
  });

  it('fails when any one of several servers exits, naming that one, and stops probing', async () => {
    jest.useFakeTimers();
    let node2Alive = true;
    let probes = 0;
    const state = track(
      waitUntilReadyOrExited({
        servers: [
          server('kafka: node 1 (pid 1)', () => true),
          server('kafka: node 2 (pid 2)', () => node2Alive),
          server('kafka: node 3 (pid 3)', () => true),
        ],
        isReady: async () => (probes++, false),
        timeoutMs: 120_000,
        intervalMs: 500,
        timeoutError: timedOut,
      }),
    );
    await jest.advanceTimersByTimeAsync(1_000);
    node2Alive = false;
    await jest.advanceTimersByTimeAsync(250);
    expect(state.outcome).toBeInstanceOf(Error);
    expect((state.outcome as Error).message).toMatch(
      /^kafka: node 2 \(pid 2\) exited before answering; the last 2 lines of /,
    );
    const probesAtFailure = probes;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(probes).toBe(probesAtFailure);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('returns once the server answers, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    let probes = 0;
    const state = track(
      waitUntilReadyOrExited({
        servers: [server('redis: redis-server (pid 42)', () => true)],
        isReady: async () => ++probes >= 3,
        timeoutMs: 20_000,
        timeoutError: timedOut,
      }),
    );
    await jest.advanceTimersByTimeAsync(1_000);
    expect(state.outcome).toBe('ready');
    expect(probes).toBe(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('counts a probe that throws as not ready', async () => {
    jest.useFakeTimers();
    let probes = 0;
    const state = track(
      waitUntilReadyOrExited({
        servers: [server('redis: redis-server (pid 42)', () => true)],
        isReady: async () => {
          if (++probes < 2) throw new Error('ECONNREFUSED');
          return true;
        },
        timeoutMs: 20_000,
        timeoutError: timedOut,
      }),
    );
    await jest.advanceTimersByTimeAsync(500);
    expect(state.outcome).toBe('ready');
  });

  it('times out with the given error when the servers run but never answer', async () => {
    jest.useFakeTimers();
    const state = track(
      waitUntilReadyOrExited({
        servers: [server('redis: redis-server (pid 42)', () => true)],
        isReady: async () => false,
        timeoutMs: 20_000,
        timeoutError: timedOut,
      }),
    );
    await jest.advanceTimersByTimeAsync(19_900);
    expect(state.outcome).toBe('pending');
    await jest.advanceTimersByTimeAsync(400);
    expect(state.outcome).toEqual(timedOut());
    expect(jest.getTimerCount()).toBe(0);
  });

  it('reports the exit code of a process started by spawnRecorded', async () => {
    const ctx: InfraContext = {
      root: dir,
      localDir: dir,
      cacheDir: path.join(dir, 'cache'),
      dataDir: path.join(dir, 'data'),
      logDir: path.join(dir, 'logs'),
      runDir: path.join(dir, 'run'),
      log: () => undefined,
    };
    const record = spawnRecorded(ctx, {
      name: 'infra-test-server',
      command: process.execPath,
      args: ['-e', "console.error('Error: bad config line 3'); process.exit(3)"],
    });
    const started = Date.now();
    await expect(
      waitUntilReadyOrExited({
        servers: [watchRecorded('test: server', record)],
        isReady: async () => false,
        timeoutMs: 60_000,
        timeoutError: timedOut,
      }),
    ).rejects.toThrow(
      `test: server (pid ${record.pid}) exited (code 3) before answering; the last line of ${record.logFile}:\n    | Error: bad config line 3`,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);
});
