import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { repoRoot } from '@qf/shared-config';
import { freePort } from '@qf/shared-testing';

/** A service of the fleet run as its own Node process, the way it runs in production. */
export interface ChildService {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** The last lines it logged (stderr + stdout), for failure messages. */
  logs(): string;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (graceful shutdown; SIGKILL after 15 s). */
  stop(): Promise<void>;
}

export interface ChildServiceOptions {
  /** Path of main.ts relative to the repository root. */
  readonly entry: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
  /** Options for node itself, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  readonly nodeArgs?: readonly string[];
  readonly port?: number;
  /** Wait until GET /health answers 200 (default) or just until it answers at all. */
  readonly waitFor?: 'healthy' | 'listening';
  readonly timeoutMs?: number;
  /** Also append everything it prints to this file. */
  readonly logFile?: string;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Starts `node tools/run-service.js <entry>` (its dist/ build) with QF_HTTP_PORT set, and waits for its /health. */
export const startChildService = async (
  name: string,
  options: ChildServiceOptions,
): Promise<ChildService> => {
  const port = options.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    // The compiled service in dist/ (built first when a source is newer), as the fleet runs it.
    [...(options.nodeArgs ?? []), './tools/run-service.js', options.entry, ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env: { ...process.env, ...options.env, QF_HTTP_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const file = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const keep = (chunk: Buffer) => {
    file?.write(chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const service: ChildService = {
    name,
    port,
    url,
    process: child,
    logs: () => lines.join('\n'),
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      // A graceful stop that hangs is killed after 15 s rather than holding up a run.
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(force);
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited with ${child.exitCode}:\n${service.logs()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (options.waitFor === 'listening' || response.ok) return service;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(
        `${name} did not become ${options.waitFor ?? 'healthy'} on ${url}:\n${service.logs()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** Reads one sample of a Prometheus text exposition (sum over label sets when no labels are given). */
export const metricValue = (
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number => {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => set.includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
};

/** GET /metrics of a service, parsed on demand. */
export const scrape = async (url: string): Promise<string> =>
  (await fetch(`${url}/metrics`)).text();
