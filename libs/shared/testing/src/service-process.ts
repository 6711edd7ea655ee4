import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot } from '@qf/shared-config';

/** How to start one service from its TypeScript entry point. */
export interface ServiceProcessSpec {
  /** A name for logs and errors, e.g. `command-processor-2`. */
  readonly name: string;
  /** Entry point relative to the repository root, e.g. `apps/command-gateway/src/main.ts`. */
  readonly entry: string;
  /**
   * The port serving GET /health (the service must listen on it: pass it in env). Default:
   * a free port, passed to the service as QF_HTTP_PORT.
   */
  readonly healthPort?: number;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Output goes to this file (appended); default: `.local/logs/services/<name>.log`. */
  readonly logFile?: string;
  /** How long /health may take to answer; default 60 s. */
  readonly startTimeoutMs?: number;
  /**
   * What counts as started: 'healthy' (default) waits for /health to answer 200;
   * 'listening' for any answer (a service started on purpose without its dependencies).
   */
  readonly readyWhen?: 'healthy' | 'listening';
  readonly cwd?: string;
  /** Node options before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
}

/** A service started by startServiceProcess. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** The port serving GET /health (the HTTP port unless the spec said otherwise). */
  readonly port: number;
  readonly logFile: string;
  /** `http://127.0.0.1:<healthPort>` */
  readonly baseUrl: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: () => boolean;
  /** SIGTERM, then SIGKILL after graceMs (default 15 s); resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Sends a signal now (SIGSTOP / SIGCONT to freeze and thaw it). */
  kill(signal?: NodeJS.Signals): void;
  /** SIGKILL, as a crash: no shutdown hook runs; resolves once it has exited. */
  crash(): Promise<void>;
  /** The last lines of its log, for failure messages. */
  logs(lines?: number): string;
}

/** A TCP port free right now on 127.0.0.1 (for services started side by side). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });

const tail = (file: string, lines: number): string => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

const answers = async (url: string, needOk: boolean): Promise<boolean> => {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return !needOk || response.status === 200;
  } catch {
    return false;
  }
};

/**
 * The one way tests and benchmarks start a service: `node tools/run-service.js <entry>` (the
 * compiled service in dist/, built first when a source is newer, as the fleet runs it) as a
 * child process with the given env, then waits until GET /health answers 200 (or answers at
 * all, with readyWhen 'listening'). Throws (naming the log and its tail) when the process
 * exits first or does not get healthy in time; the child is then stopped.
 */
export const startServiceProcess = async (spec: ServiceProcessSpec): Promise<ServiceProcess> => {
  const cwd = spec.cwd ?? repoRoot;
  const port = spec.healthPort ?? (await freePort());
  const logFile = spec.logFile ?? path.join(cwd, '.local', 'logs', 'services', `${spec.name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [...(spec.nodeArgs ?? []), path.join(cwd, 'tools', 'run-service.js'), spec.entry],
    {
      cwd,
      env: {
        ...process.env,
        QF_SERVICE: spec.name,
        ...(spec.healthPort === undefined ? { QF_HTTP_PORT: String(port) } : {}),
        ...spec.env,
      },
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${spec.name} (${spec.entry})`);
  const pid = child.pid;

  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      exitedFlag = true;
      resolve({ code: null, signal: null });
    });
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name: spec.name,
    pid,
    port,
    logFile,
    baseUrl,
    exited,
    running: () => !exitedFlag,
    kill: (signal = 'SIGTERM') => {
      if (!exitedFlag) child.kill(signal);
    },
    crash: async () => {
      if (!exitedFlag) child.kill('SIGKILL');
      await exited;
    },
    logs: (lines = 20) => tail(logFile, lines),
    stop: async (graceMs = 15_000) => {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 60_000);
  for (;;) {
    if (exitedFlag) {
      const { code, signal } = await exited;
      throw new Error(
        `${spec.name} exited during start (${signal ?? `code ${code}`}); log ${logFile}:\n${tail(logFile, 20)}`,
      );
    }
    if (await answers(`${baseUrl}/health`, spec.readyWhen !== 'listening')) return service;
    if (Date.now() >= deadline) {
      await service.stop(5000);
      throw new Error(
        `${spec.name} was not healthy within ${spec.startTimeoutMs ?? 60_000} ms; log ${logFile}:\n${tail(logFile, 20)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
