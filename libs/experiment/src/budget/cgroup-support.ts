import fs from 'node:fs';
import path from 'node:path';

/**
 * Where this process may create a CPU budget: the cgroup v1 `cpu` and `cpuacct` hierarchies
 * (possibly co-mounted), or a cgroup v2 tree with the cpu controller. Budgets are created
 * under this process's own group, so they nest inside whatever limits it already has.
 */
export type BudgetSupport =
  | {
      readonly ok: true;
      readonly version: 1;
      /** Parent directory in the `cpu` hierarchy (quota and throttling). */
      readonly cpuParent: string;
      /** Parent directory in the `cpuacct` hierarchy (usage); equal to cpuParent when co-mounted. */
      readonly cpuacctParent: string;
      readonly describe: string;
    }
  | {
      readonly ok: true;
      readonly version: 2;
      readonly parent: string;
      readonly describe: string;
    }
  | { readonly ok: false; readonly reason: string };

interface Mount {
  readonly mountPoint: string;
  /** The cgroup path the mount shows as its root (`/` outside a cgroup namespace). */
  readonly root: string;
  readonly fsType: string;
  readonly superOptions: readonly string[];
}

/** The cgroup mounts of /proc/self/mountinfo. */
export const parseCgroupMounts = (mountinfo: string): Mount[] =>
  mountinfo.split('\n').flatMap((line) => {
    const [left, right] = line.split(' - ');
    if (!left || !right) return [];
    const fields = left.split(' ');
    const [fsType, , options] = right.split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (!fsType || !root || !mountPoint || (fsType !== 'cgroup' && fsType !== 'cgroup2')) return [];
    return [{ mountPoint, root, fsType, superOptions: (options ?? '').split(',') }];
  });

/** `hierarchy-id:controllers:path` lines of /proc/self/cgroup: controller (or '' for v2) → path. */
export const parseProcCgroup = (text: string): Map<string, string> => {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    const controllers = match[1] ?? '';
    const cgroupPath = match[2] ?? '/';
    if (controllers === '') paths.set('', cgroupPath);
    for (const controller of controllers.split(','))
      if (controller) paths.set(controller, cgroupPath);
  }
  return paths;
};

/** The directory of this process's group inside a mount (its cgroup path relative to the mount's root). */
const ownDir = (mount: Mount, cgroupPath: string): string => {
  const relative =
    mount.root !== '/' && cgroupPath.startsWith(mount.root)
      ? cgroupPath.slice(mount.root.length)
      : cgroupPath;
  return path.resolve(mount.mountPoint, `.${relative}`);
};

/** Can a group be made and removed here? (root, a read-write mount). */
const probeWritable = (parent: string): string | undefined => {
  const probe = path.join(parent, `qf-budget-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
    return undefined;
  } catch (error) {
    return `cannot create a cgroup under ${parent} (${(error as NodeJS.ErrnoException).code ?? String(error)}; it needs root and a read-write cgroup mount)`;
  }
};

export interface DetectOptions {
  readonly mountinfo?: string;
  readonly procCgroup?: string;
  /** Try to create and remove a group (default true); tests of the parsing turn it off. */
  readonly probe?: boolean;
}

const read = (file: string): string => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** v2: the cpu controller must be available and enabled for the parent's children. */
const detectV2 = (mount: Mount, procCgroup: Map<string, string>, probe: boolean): BudgetSupport => {
  // The root group is exempt from "no processes in inner groups"; elsewhere our own group holds us.
  const own = ownDir(mount, procCgroup.get('') ?? '/');
  const candidates = [own, mount.mountPoint];
  for (const parent of candidates) {
    const controllers = read(path.join(parent, 'cgroup.controllers')).split(/\s+/);
    if (!controllers.includes('cpu')) continue;
    const subtree = path.join(parent, 'cgroup.subtree_control');
    if (!read(subtree).split(/\s+/).includes('cpu')) {
      try {
        fs.writeFileSync(subtree, '+cpu');
      } catch {
        continue;
      }
    }
    const problem = probe ? probeWritable(parent) : undefined;
    if (problem === undefined)
      return { ok: true, version: 2, parent, describe: `cgroup v2 (cpu.max) under ${parent}` };
  }
  return {
    ok: false,
    reason: `the cgroup v2 tree at ${mount.mountPoint} offers no cpu controller this process may enable for a child group`,
  };
};

/** Finds where a CPU budget can be created, or why none can. */
export const detectBudgetSupport = (options: DetectOptions = {}): BudgetSupport => {
  if (process.platform !== 'linux')
    return { ok: false, reason: `CPU budgets need Linux cgroups; this is ${process.platform}` };
  const mounts = parseCgroupMounts(options.mountinfo ?? read('/proc/self/mountinfo'));
  const procCgroup = parseProcCgroup(options.procCgroup ?? read('/proc/self/cgroup'));
  const probe = options.probe ?? true;
  const v1 = (controller: string) =>
    mounts.find((mount) => mount.fsType === 'cgroup' && mount.superOptions.includes(controller));
  const cpu = v1('cpu');
  const cpuacct = v1('cpuacct');
  if (cpu && cpuacct) {
    const cpuParent = ownDir(cpu, procCgroup.get('cpu') ?? '/');
    const cpuacctParent = ownDir(cpuacct, procCgroup.get('cpuacct') ?? '/');
    const problem = probe ? (probeWritable(cpuParent) ?? probeWritable(cpuacctParent)) : undefined;
    if (problem) return { ok: false, reason: problem };
    return {
      ok: true,
      version: 1,
      cpuParent,
      cpuacctParent,
      describe:
        cpuParent === cpuacctParent
          ? `cgroup v1 cpu,cpuacct (cpu.cfs_quota_us) under ${cpuParent}`
          : `cgroup v1 cpu (cpu.cfs_quota_us) under ${cpuParent}, cpuacct under ${cpuacctParent}`,
    };
  }
  const unified = mounts.find((mount) => mount.fsType === 'cgroup2');
  if (unified) return detectV2(unified, procCgroup, probe);
  return {
    ok: false,
    reason: 'no cgroup v1 cpu and cpuacct controllers and no cgroup v2 tree are mounted',
  };
};
