import fs from 'node:fs';
import path from 'node:path';
import { parseProcStat, processTree } from '../sampler/proc-parse';
import {
  cfsQuotaUs,
  countersV1,
  countersV2,
  cpuMaxLine,
  type CpuCounters,
} from './budget-arithmetic';
import type { BudgetSupport } from './cgroup-support';

/** Group names: `qf-budget-<owner pid>-<owner start time>-<label>`, so a sweep can tell a dead owner. */
export const BUDGET_PREFIX = 'qf-budget-';
const NAME_PATTERN = /^qf-budget-(\d+)-(\d+)(?:-[a-z0-9-]+)?$/;

/** The owner of a budget group as its name records it. */
export const ownerOfGroup = (name: string): { pid: number; startTime: number } | undefined => {
  const match = NAME_PATTERN.exec(name);
  return match ? { pid: Number(match[1]), startTime: Number(match[2]) } : undefined;
};

/** Start time (clock ticks after boot) of a live process, undefined when it is gone. */
export const processStartTime = (pid: number): number | undefined => {
  try {
    const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat.state === 'Z' ? undefined : stat.starttime;
  } catch {
    return undefined;
  }
};

const syncSleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const readPids = (file: string): number[] => {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0);
  } catch {
    return [];
  }
};

const signal = (pid: number, name: NodeJS.Signals) => {
  try {
    process.kill(pid, name);
  } catch {
    /* gone already */
  }
};

/** Budgets of this process still present: removed on exit, whatever the exit path. */
const live = new Set<CpuBudget>();
let exitHookInstalled = false;
const installExitHook = () => {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' runs on process.exit (a second Ctrl-C) and after an uncaught error: synchronous only.
  process.on('exit', () => {
    for (const budget of live) budget.removeSync();
  });
};

/**
 * One CPU budget: a cgroup (in the v1 cpu and cpuacct hierarchies, or one v2 group) whose
 * quota caps the CPU of every process in it and of everything they start. Processes join
 * with `adopt(pid)` (their descendants with them); `counters()` reads usage and throttling;
 * `remove()` stops what still runs inside and deletes the group. A group left behind by a
 * killed run is found by `sweepStaleBudgets` (its owner's pid is in its name).
 */
export class CpuBudget {
  private removed = false;
  private cores: number | undefined;

  private constructor(
    readonly name: string,
    private readonly support: Extract<BudgetSupport, { ok: true }>,
    readonly periodUs: number,
  ) {}

  /** The group's directories: v1 cpu (+ cpuacct when mounted apart), or the v2 group. */
  get dirs(): string[] {
    const s = this.support;
    if (s.version === 2) return [path.join(s.parent, this.name)];
    const cpu = path.join(s.cpuParent, this.name);
    const cpuacct = path.join(s.cpuacctParent, this.name);
    return cpu === cpuacct ? [cpu] : [cpu, cpuacct];
  }

  private get cpuDir(): string {
    return this.dirs[0] as string;
  }

  /** Creates the group, unlimited until `setCores`. `label`: lower-case letters, digits, dashes. */
  static create(
    support: BudgetSupport,
    options: { readonly label: string; readonly periodUs: number },
  ): CpuBudget {
    if (!support.ok) throw new Error(`no CPU budget can be set here: ${support.reason}`);
    if (!/^[a-z0-9-]{1,40}$/.test(options.label))
      throw new Error(
        `budget label must be 1-40 lower-case letters, digits or dashes, got ${options.label}`,
      );
    const startTime = processStartTime(process.pid) ?? 0;
    const name = `${BUDGET_PREFIX}${process.pid}-${startTime}-${options.label}`;
    const budget = new CpuBudget(name, support, options.periodUs);
    for (const dir of budget.dirs) fs.mkdirSync(dir);
    live.add(budget);
    installExitHook();
    try {
      budget.setCores(undefined);
    } catch (error) {
      budget.removeSync();
      throw error;
    }
    return budget;
  }

  /**
   * Raises the group's claim on the CPU when the machine is contended (v1 cpu.shares, v2
   * cpu.weight; the defaults are 1024 and 100). The quota stays the cap; the weight makes it
   * a guarantee too, so other work on the machine cannot take from the budget what it is
   * entitled to.
   */
  setPriority(times: number): void {
    if (!(times >= 1 && times <= 100))
      throw new RangeError(`priority must be 1-100 times the default, got ${times}`);
    if (this.support.version === 2)
      fs.writeFileSync(path.join(this.cpuDir, 'cpu.weight'), String(Math.round(100 * times)));
    else fs.writeFileSync(path.join(this.cpuDir, 'cpu.shares'), String(Math.round(1024 * times)));
  }

  /** Moves a process of the group back to the parent group (the harness leaving its own group). */
  evict(pid: number): void {
    const s = this.support;
    const parents = s.version === 2 ? [s.parent] : [...new Set([s.cpuParent, s.cpuacctParent])];
    for (const parent of parents) {
      try {
        fs.writeFileSync(path.join(parent, 'cgroup.procs'), String(pid));
      } catch {
        /* gone already */
      }
    }
  }

  /** Sets the cap (cores), or lifts it (undefined). Effective at once for every member. */
  setCores(cores: number | undefined): void {
    if (this.support.version === 2) {
      fs.writeFileSync(path.join(this.cpuDir, 'cpu.max'), cpuMaxLine(cores, this.periodUs));
    } else {
      // Lift first: the kernel checks quota against period (and the parent's) on every write.
      fs.writeFileSync(path.join(this.cpuDir, 'cpu.cfs_quota_us'), '-1');
      fs.writeFileSync(path.join(this.cpuDir, 'cpu.cfs_period_us'), String(this.periodUs));
      if (cores !== undefined)
        fs.writeFileSync(
          path.join(this.cpuDir, 'cpu.cfs_quota_us'),
          String(cfsQuotaUs(cores, this.periodUs)),
        );
    }
    this.cores = cores;
  }

  /** The cap in force: cores, or undefined when lifted. */
  get limitCores(): number | undefined {
    return this.cores;
  }

  /** Moves a process (all its threads) and, by default, its descendants into the group. */
  adopt(pid: number, withDescendants = true): number[] {
    const pids = withDescendants ? processTree(pid, parentMap()) : [pid];
    const moved: number[] = [];
    for (const member of pids) {
      try {
        for (const dir of this.dirs)
          fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(member));
        moved.push(member);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    return moved;
  }

  /** Pids of every process in the group. */
  members(): number[] {
    return readPids(path.join(this.cpuDir, 'cgroup.procs'));
  }

  counters(): CpuCounters {
    if (this.support.version === 2)
      return countersV2(fs.readFileSync(path.join(this.cpuDir, 'cpu.stat'), 'utf8'));
    const cpuacctDir = this.dirs[this.dirs.length - 1] as string;
    return countersV1(
      fs.readFileSync(path.join(this.cpuDir, 'cpu.stat'), 'utf8'),
      fs.readFileSync(path.join(cpuacctDir, 'cpuacct.usage'), 'utf8'),
    );
  }

  /**
   * Stops every process still in the group (SIGTERM, SIGKILL after `graceMs`) and deletes it.
   * Everything inside was started for the system under test, so nothing of anyone else's is hit.
   */
  async remove(graceMs = 5000): Promise<void> {
    if (this.removed) return;
    if (this.members().includes(process.pid)) this.evict(process.pid);
    for (const pid of this.members()) signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.members().length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    this.removeSync();
  }

  /** The same, synchronous and without grace (exit handler): SIGKILL, then delete. */
  removeSync(): void {
    if (this.removed) return;
    // This process may be a member (the harness group): it leaves, it is not killed.
    if (this.members().includes(process.pid)) this.evict(process.pid);
    removeGroupDirs(this.dirs);
    this.removed = true;
    live.delete(this);
  }
}

const parentMap = (): Map<number, number> => {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      parents.set(stat.pid, stat.ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  return parents;
};

/** SIGKILLs what is left in the group directories, waits for it to go, then removes them. */
export const removeGroupDirs = (dirs: readonly string[]): void => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const pids = [...new Set(dirs.flatMap((dir) => readPids(path.join(dir, 'cgroup.procs'))))];
    for (const pid of pids) signal(pid, 'SIGKILL');
    let left = false;
    for (const dir of dirs) {
      if (!fs.existsSync(dir)) continue;
      try {
        fs.rmdirSync(dir);
      } catch {
        left = true;
      }
    }
    if (!left) return;
    syncSleep(100);
  }
  throw new Error(`could not remove the cgroup(s) ${dirs.join(', ')}: processes did not exit`);
};
