import fs from 'node:fs';
import path from 'node:path';
import type * as Pm2Module from 'pm2';
import type { InfraContext } from '@qf/local-infra';

import { fleetIdentity } from './fleet-identity';

/** The pm2 namespace of the default fleet; `down` removes exactly the processes of its namespace. */
export const FLEET_NAMESPACE = 'quest-fleet';

/** What pm2 reports for one of our processes. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly status: string;
  readonly restarts: number;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
  readonly uptimeMs: number;
  readonly logFile?: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface StartSpec {
  readonly name: string;
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  readonly restart: boolean;
}

type Pm2 = typeof Pm2Module;
/** pm2's description plus the fields it sends but does not type (namespace, env). */
type Pm2Process = Pm2Module.ProcessDescription & {
  pm2_env?: { namespace?: string; env?: Record<string, unknown> };
};
type Callback<T> = (error: Error | null, value: T) => void;

const call = <T>(fn: (cb: Callback<T>) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));

/**
 * pm2 supervises the fleet (restart on crash when asked, logs, pids); its daemon and
 * files live in `.local/pm2`.
 */
export class Pm2Driver {
  private pm2?: Pm2;

  constructor(private readonly ctx: InfraContext) {}

  private async connected(): Promise<Pm2> {
    if (this.pm2) return this.pm2;
    // An instance of its own (pm2's `custom` API class) rather than the module's shared
    // singleton, so one driver's disconnect never cuts another driver's connection.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { custom: Pm2Api } = require('pm2') as {
      custom: new (options: { pm2_home: string }) => Pm2;
    };
    const pm2 = new Pm2Api({ pm2_home: path.join(this.ctx.localDir, 'pm2') });
    await call<unknown>((cb) => pm2.connect(cb as never));
    this.pm2 = pm2;
    return pm2;
  }

  async start(spec: StartSpec): Promise<void> {
    const pm2 = await this.connected();
    const logFile = path.join(this.ctx.logDir, 'fleet', `${spec.name}.log`);
    await call<unknown>((cb) =>
      pm2.start(
        {
          name: spec.name,
          namespace: fleetIdentity().namespace,
          script: path.join(this.ctx.root, 'tools/run-service.js'),
          args: [spec.entry],
          cwd: this.ctx.root,
          interpreter: process.execPath,
          exec_mode: 'fork',
          env: { ...spec.env },
          autorestart: spec.restart,
          max_restarts: 10,
          min_uptime: 5000,
          kill_timeout: 15000,
          out_file: logFile,
          error_file: logFile,
          merge_logs: true,
        } as never,
        cb as never,
      ),
    );
  }

  async list(): Promise<ManagedProcess[]> {
    const pm2 = await this.connected();
    const all = await call<Pm2Process[]>((cb) => pm2.list(cb as never));
    return all
      .filter((proc) => proc.pm2_env?.namespace === fleetIdentity().namespace)
      .map((proc) => {
        const env = proc.pm2_env;
        return {
          name: String(proc.name),
          pid: Number(proc.pid ?? 0),
          status: String(env?.status ?? 'unknown'),
          restarts: Number(env?.restart_time ?? 0),
          cpuPercent: Number(proc.monit?.cpu ?? 0),
          memoryBytes: Number(proc.monit?.memory ?? 0),
          uptimeMs: env?.pm_uptime ? Date.now() - Number(env.pm_uptime) : 0,
          ...(env?.pm_out_log_path ? { logFile: env.pm_out_log_path } : {}),
          env: Object.fromEntries(Object.entries(env?.env ?? {}).map(([k, v]) => [k, String(v)])),
        };
      });
  }

  /** Stops (SIGTERM, then SIGKILL after kill_timeout) and forgets one process. */
  async remove(name: string): Promise<void> {
    const pm2 = await this.connected();
    await call<unknown>((cb) => pm2.delete(name, cb as never));
  }

  /** Ends the pm2 daemon when it supervises nothing else. */
  async shutdownIfIdle(): Promise<void> {
    const pm2 = await this.connected();
    const all = await call<unknown[]>((cb) => pm2.list(cb as never));
    this.disconnect();
    if (all.length > 0) return;
    // Not pm2.killDaemon(): its daemon answers with SIGQUIT to the caller's pid, which kills
    // a caller whose handler cannot be installed on the real process (a Jest worker).
    const pidFile = path.join(this.ctx.localDir, 'pm2', 'pm2.pid');
    const pid = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (!(Number.isInteger(pid) && pid > 0)) return;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (!alive()) return;
    process.kill(pid, 'SIGTERM');
    // Wait until it is gone: a connect in the meantime would reach the dying daemon and hang.
    const deadline = Date.now() + 10_000;
    while (alive() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
  }

  disconnect(): void {
    this.pm2?.disconnect();
    this.pm2 = undefined;
  }
}
