import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ProcessRole, ProcessUsage } from '../results/experiment-results';
import {
  parseProcStat,
  parseUptimeSeconds,
  parseVmRssBytes,
  processTree,
  type ProcStat,
} from './proc-parse';

/** A process (and by default its descendants) whose CPU and memory are sampled. */
export interface SampleTarget {
  readonly name: string;
  readonly role: ProcessRole;
  readonly pid: number;
  /** Count the whole process tree (default true): e.g. a JVM launched through a shell script. */
  readonly includeChildren?: boolean;
}

export interface ResourceSamplerOptions {
  /** Sampling period, milliseconds (default 1000). */
  readonly intervalMs?: number;
  /** Where procfs is mounted (tests point this at a fixture directory). */
  readonly procRoot?: string;
  /** Clock ticks per second of utime/stime (default: `getconf CLK_TCK`, read once). */
  readonly clockTicksPerSecond?: number;
}

let cachedClockTicks: number | undefined;

/** sysconf(_SC_CLK_TCK) through `getconf CLK_TCK`, read once; 100 (Linux's USER_HZ) when unavailable. */
export const clockTicksPerSecond = (): number => {
  if (cachedClockTicks === undefined) {
    try {
      const value = Number(
        execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim(),
      );
      cachedClockTicks = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      cachedClockTicks = 100;
    }
  }
  return cachedClockTicks;
};

interface WindowState {
  readonly cpuTicks: Map<string, number>;
  readonly rss: Map<string, number[]>;
  closed: boolean;
}

/** A measured interval; `close()` takes a last sample and returns the usage of every target. */
export interface SamplingWindow {
  close(): ProcessUsage[];
}

/**
 * Samples /proc/<pid>/stat (utime + stime) and /proc/<pid>/status (VmRSS) of each target's
 * process tree every `intervalMs`. CPU is accumulated tick to tick per (pid, start time), so a
 * reused pid is not confused with the old process; a process that exits is counted up to its last
 * sample. Windows may overlap (a step inside a whole run).
 */
export class ResourceSampler {
  private readonly targets = new Map<string, SampleTarget>();
  private readonly lastTicks = new Map<string, Map<string, number>>();
  private readonly windows = new Set<WindowState>();
  private readonly procRoot: string;
  private readonly intervalMs: number;
  private readonly hz: number;
  private lastUptimeTicks = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(targets: readonly SampleTarget[], options: ResourceSamplerOptions = {}) {
    this.procRoot = options.procRoot ?? '/proc';
    this.intervalMs = options.intervalMs ?? 1000;
    this.hz = options.clockTicksPerSecond ?? clockTicksPerSecond();
    for (const target of targets) this.addTarget(target);
  }

  /** Adds (or replaces, by name) a target, e.g. a replica started after the sampler. */
  addTarget(target: SampleTarget): void {
    this.targets.set(target.name, target);
    this.lastTicks.set(target.name, new Map());
  }

  removeTarget(name: string): void {
    this.targets.delete(name);
    this.lastTicks.delete(name);
  }

  start(): this {
    if (!this.timer) {
      this.sampleNow();
      this.timer = setInterval(() => this.sampleNow(), this.intervalMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Starts a window at the current sample. */
  openWindow(): SamplingWindow {
    this.sampleNow();
    const state: WindowState = { cpuTicks: new Map(), rss: new Map(), closed: false };
    for (const name of this.targets.keys()) {
      state.cpuTicks.set(name, 0);
      state.rss.set(name, [this.lastRss.get(name) ?? 0]);
    }
    this.windows.add(state);
    return {
      close: () => {
        if (state.closed) throw new Error('sampling window already closed');
        this.sampleNow();
        state.closed = true;
        this.windows.delete(state);
        return [...this.targets.values()].map((target) => {
          const rss = state.rss.get(target.name) ?? [];
          return {
            name: target.name,
            role: target.role,
            pid: target.pid,
            cpuSeconds: (state.cpuTicks.get(target.name) ?? 0) / this.hz,
            avgRssBytes:
              rss.length > 0 ? rss.reduce((sum, value) => sum + value, 0) / rss.length : 0,
            peakRssBytes: rss.length > 0 ? Math.max(...rss) : 0,
            samples: rss.length,
          };
        });
      },
    };
  }

  private readonly lastRss = new Map<string, number>();

  /** Takes one sample of every target and adds it to every open window. */
  sampleNow(): void {
    const uptimeTicks = this.readUptimeTicks();
    const needTree = [...this.targets.values()].some((target) => target.includeChildren !== false);
    const stats = needTree
      ? this.readAllStats()
      : this.readStats([...this.targets.values()].map((target) => target.pid));
    const parentOf = new Map<number, number>(
      [...stats.values()].map((stat) => [stat.pid, stat.ppid]),
    );

    for (const target of this.targets.values()) {
      const pids =
        target.includeChildren === false ? [target.pid] : processTree(target.pid, parentOf);
      const previous = this.lastTicks.get(target.name) ?? new Map<string, number>();
      const current = new Map<string, number>();
      let deltaTicks = 0;
      let rss = 0;
      for (const pid of pids) {
        const stat = stats.get(pid);
        if (!stat) continue;
        const key = `${pid}:${stat.starttime}`;
        const ticks = stat.utime + stat.stime;
        const before = previous.get(key);
        if (before !== undefined) deltaTicks += Math.max(0, ticks - before);
        // A process born since the last sample used all its CPU inside the interval.
        else if (this.lastUptimeTicks > 0 && stat.starttime >= this.lastUptimeTicks)
          deltaTicks += ticks;
        current.set(key, ticks);
        rss += this.readRss(pid);
      }
      this.lastTicks.set(target.name, current);
      this.lastRss.set(target.name, rss);
      for (const window of this.windows) {
        window.cpuTicks.set(target.name, (window.cpuTicks.get(target.name) ?? 0) + deltaTicks);
        const samples = window.rss.get(target.name);
        if (samples) samples.push(rss);
        else window.rss.set(target.name, [rss]);
      }
    }
    this.lastUptimeTicks = uptimeTicks;
  }

  private readUptimeTicks(): number {
    try {
      return (
        parseUptimeSeconds(fs.readFileSync(path.join(this.procRoot, 'uptime'), 'utf8')) * this.hz
      );
    } catch {
      return 0;
    }
  }

  private readStat(pid: number): ProcStat | undefined {
    try {
      return parseProcStat(fs.readFileSync(path.join(this.procRoot, String(pid), 'stat'), 'utf8'));
    } catch {
      return undefined; // exited between listing and reading
    }
  }

  private readStats(pids: readonly number[]): Map<number, ProcStat> {
    const stats = new Map<number, ProcStat>();
    for (const pid of pids) {
      const stat = this.readStat(pid);
      if (stat) stats.set(pid, stat);
    }
    return stats;
  }

  private readAllStats(): Map<number, ProcStat> {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.procRoot);
    } catch {
      return new Map();
    }
    return this.readStats(entries.filter((entry) => /^\d+$/.test(entry)).map(Number));
  }

  private readRss(pid: number): number {
    try {
      return parseVmRssBytes(
        fs.readFileSync(path.join(this.procRoot, String(pid), 'status'), 'utf8'),
      );
    } catch {
      return 0;
    }
  }
}
