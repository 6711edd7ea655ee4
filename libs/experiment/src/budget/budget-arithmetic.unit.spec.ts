import {
  budgetCores,
  cfsQuotaUs,
  counterDelta,
  countersV1,
  countersV2,
  cpuMaxLine,
  jvmProcessors,
  parseCpuMax,
} from './budget-arithmetic';
import { parseCgroupMounts, parseProcCgroup, detectBudgetSupport } from './cgroup-support';
import { ownerOfGroup } from './cpu-budget';

describe('budget arithmetic', () => {
  it('gives k × unit cores', () => {
    expect(budgetCores(1, 0.4)).toBe(0.4);
    expect(budgetCores(2, 0.4)).toBe(0.8);
    expect(budgetCores(4, 0.4)).toBe(1.6);
    expect(budgetCores(3, 0.1)).toBe(0.3); // no 0.30000000000000004
    expect(() => budgetCores(0, 0.4)).toThrow(/k and the unit/);
  });

  it('turns cores into a CFS quota per period', () => {
    expect(cfsQuotaUs(0.4, 10_000)).toBe(4_000);
    expect(cfsQuotaUs(1.6, 10_000)).toBe(16_000);
    expect(cfsQuotaUs(0.4, 100_000)).toBe(40_000);
  });

  it('refuses a quota below the kernel minimum and periods out of range', () => {
    expect(() => cfsQuotaUs(0.05, 10_000)).toThrow(/below the kernel's 1 ms minimum/);
    expect(() => cfsQuotaUs(0.4, 500)).toThrow(/CFS period/);
    expect(() => cfsQuotaUs(0.4, 2_000_000)).toThrow(/CFS period/);
    expect(() => cfsQuotaUs(0, 10_000)).toThrow(/> 0 cores/);
  });

  it('writes and reads cgroup v2 cpu.max', () => {
    expect(cpuMaxLine(0.8, 10_000)).toBe('8000 10000');
    expect(cpuMaxLine(undefined, 10_000)).toBe('max 10000');
    expect(parseCpuMax('8000 10000\n')).toBe(0.8);
    expect(parseCpuMax('max 100000')).toBeUndefined();
  });

  it('tells a JVM the budget rounded up to whole processors', () => {
    expect(jvmProcessors(0.4)).toBe(1);
    expect(jvmProcessors(0.8)).toBe(1);
    expect(jvmProcessors(1)).toBe(1);
    expect(jvmProcessors(1.6)).toBe(2);
    expect(jvmProcessors(2.0000000001)).toBe(2);
  });

  it('reads v1 and v2 counters into one shape', () => {
    expect(
      countersV1(
        'nr_periods 200\nnr_throttled 50\nthrottled_time 1500000000\nnr_bursts 0\n',
        '2500000000\n',
      ),
    ).toEqual({ usageSeconds: 2.5, periods: 200, throttledPeriods: 50, throttledSeconds: 1.5 });
    expect(
      countersV2(
        'usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 200\nnr_throttled 50\nthrottled_usec 1500000\n',
      ),
    ).toEqual({ usageSeconds: 2.5, periods: 200, throttledPeriods: 50, throttledSeconds: 1.5 });
  });

  it('computes usage and throttling over a window', () => {
    const start = { usageSeconds: 10, periods: 1000, throttledPeriods: 100, throttledSeconds: 1 };
    const end = { usageSeconds: 14, periods: 2000, throttledPeriods: 350, throttledSeconds: 3.5 };
    expect(counterDelta(start, end, 10)).toEqual({
      seconds: 10,
      usageSeconds: 4,
      coresUsed: 0.4,
      periods: 1000,
      throttledPeriods: 250,
      throttledShare: 0.25,
      throttledSeconds: 2.5,
    });
    expect(counterDelta(end, end, 0).throttledShare).toBe(0);
  });
});

describe('cgroup discovery', () => {
  const mountinfo = [
    '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
    '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
    '33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct',
    '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
    '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  ].join('\n');

  it('finds the cgroup mounts and their controllers', () => {
    const mounts = parseCgroupMounts(mountinfo);
    expect(mounts.map((mount) => [mount.mountPoint, mount.fsType])).toEqual([
      ['/sys/fs/cgroup/cpu', 'cgroup'],
      ['/sys/fs/cgroup/cpuacct', 'cgroup'],
      ['/sys/fs/cgroup/memory', 'cgroup'],
      ['/sys/fs/cgroup/unified', 'cgroup2'],
    ]);
    expect(mounts[0]?.superOptions).toContain('cpu');
  });

  it("reads this process's group per controller", () => {
    const paths = parseProcCgroup(
      '4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu,cpuacct:/jobs/7\n0::/x\n',
    );
    expect(paths.get('memory')).toBe('/process_api/abc');
    expect(paths.get('cpu')).toBe('/jobs/7');
    expect(paths.get('cpuacct')).toBe('/jobs/7');
    expect(paths.get('')).toBe('/x');
  });

  it('nests budgets inside the own v1 group (without probing the file system)', () => {
    const support = detectBudgetSupport({
      mountinfo,
      procCgroup: '2:cpuacct:/\n1:cpu:/jobs/7\n',
      probe: false,
    });
    expect(support).toMatchObject({
      ok: true,
      version: 1,
      cpuParent: '/sys/fs/cgroup/cpu/jobs/7',
      cpuacctParent: '/sys/fs/cgroup/cpuacct',
    });
  });

  it('says why when no cpu controller is mounted', () => {
    const support = detectBudgetSupport({
      mountinfo: '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      procCgroup: '',
      probe: false,
    });
    expect(support.ok).toBe(false);
    expect(!support.ok && support.reason).toMatch(/no cgroup v1 cpu and cpuacct/);
  });

  it('reads the owner back from a group name', () => {
    expect(ownerOfGroup('qf-budget-1234-98765-exp-ab12')).toEqual({ pid: 1234, startTime: 98765 });
    expect(ownerOfGroup('qf-budget-probe-12')).toBeUndefined();
    expect(ownerOfGroup('user.slice')).toBeUndefined();
  });
});
