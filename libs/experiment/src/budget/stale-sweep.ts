import fs from 'node:fs';
import path from 'node:path';
import type { BudgetSupport } from './cgroup-support';
import { BUDGET_PREFIX, ownerOfGroup, processStartTime, removeGroupDirs } from './cpu-budget';

/** A budget group whose owner is gone, and what the sweep did with it. */
export interface SweptGroup {
  readonly name: string;
  readonly ownerPid: number;
  /** Processes still inside that were stopped. */
  readonly stopped: readonly number[];
}

const parentsOf = (support: Extract<BudgetSupport, { ok: true }>): string[] =>
  support.version === 2
    ? [support.parent]
    : [...new Set([support.cpuParent, support.cpuacctParent])];

/**
 * Removes the budget groups of runs that died without cleaning up (SIGKILL, a crash, a reboot
 * of the owner's pid namespace): any `qf-budget-*` group whose owner pid no longer runs with
 * the recorded start time. What still runs inside was started for that run's system under
 * test, so it is stopped. Groups of live runs (another experiment, a test) are left alone.
 */
export const sweepStaleBudgets = (support: BudgetSupport): SweptGroup[] => {
  if (!support.ok) return [];
  const parents = parentsOf(support);
  const names = new Set<string>();
  for (const parent of parents) {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(parent);
    } catch {
      continue;
    }
    for (const entry of entries) if (entry.startsWith(BUDGET_PREFIX)) names.add(entry);
  }
  const swept: SweptGroup[] = [];
  for (const name of names) {
    const owner = ownerOfGroup(name);
    if (!owner) continue;
    if (processStartTime(owner.pid) === owner.startTime) continue;
    const dirs = parents
      .map((parent) => path.join(parent, name))
      .filter((dir) => fs.existsSync(dir));
    const stopped = [
      ...new Set(
        dirs.flatMap((dir) => {
          try {
            return fs
              .readFileSync(path.join(dir, 'cgroup.procs'), 'utf8')
              .split('\n')
              .filter(Boolean)
              .map(Number);
          } catch {
            return [];
          }
        }),
      ),
    ];
    removeGroupDirs(dirs);
    swept.push({ name, ownerPid: owner.pid, stopped });
  }
  return swept;
};
