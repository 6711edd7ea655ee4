import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clockTicksPerSecond, ResourceSampler } from './resource-sampler';

const burnCpu = (ms: number) => {
  const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  let x = 0;
  while (process.hrtime.bigint() < end) x += Math.sqrt(x + 1);
  return x;
};

describe('ResourceSampler on the real /proc', () => {
  it('reads CLK_TCK once through getconf', () => {
    expect(clockTicksPerSecond()).toBeGreaterThan(0);
  });

  it('measures the CPU-seconds and RSS of the test process itself', () => {
    const sampler = new ResourceSampler([
      { name: 'jest-worker', role: 'other', pid: process.pid, includeChildren: false },
    ]);
    const window = sampler.openWindow();
    burnCpu(300);
    sampler.sampleNow();
    burnCpu(300);
    const [usage] = window.close();
    expect(usage?.name).toBe('jest-worker');
    expect(usage?.cpuSeconds).toBeGreaterThan(0);
    expect(usage?.avgRssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(usage?.peakRssBytes).toBeGreaterThanOrEqual(usage?.avgRssBytes ?? Infinity);
    expect(usage?.samples).toBe(3);
  });

  it('includes child processes in the tree', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((resolve) => child.once('spawn', resolve));
      const alone = new ResourceSampler([
        { name: 'self', role: 'other', pid: process.pid, includeChildren: false },
      ])
        .openWindow()
        .close();
      const tree = new ResourceSampler([{ name: 'self', role: 'other', pid: process.pid }])
        .openWindow()
        .close();
      // The child node process adds its own resident memory to the tree.
      expect(tree[0]!.avgRssBytes).toBeGreaterThan(alone[0]!.avgRssBytes);
    } finally {
      child.kill();
    }
  });
});

describe('ResourceSampler on a fixture procfs', () => {
  let root: string;
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  const stat = (pid: number, ppid: number, utime: number, stime: number, starttime: number) =>
    `${pid} (svc) S ${ppid} ${pid} ${pid} 0 -1 0 0 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${starttime} 0 0`;
  const processFiles = (
    pid: number,
    ppid: number,
    utime: number,
    stime: number,
    starttime: number,
    rssKb: number,
  ) => {
    write(`${pid}/stat`, stat(pid, ppid, utime, stime, starttime));
    write(`${pid}/status`, `Name:\tsvc\nVmRSS:\t${rssKb} kB\n`);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-proc-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('accumulates utime + stime deltas of the tree, counts new children and averages RSS', () => {
    // uptime 100 s = 10 000 ticks at CLK_TCK 100
    write('uptime', '100.00 150.00');
    processFiles(500, 1, 1000, 200, 5000, 1000);
    const sampler = new ResourceSampler([{ name: 'svc', role: 'service', pid: 500 }], {
      procRoot: root,
      clockTicksPerSecond: 100,
    });
    const window = sampler.openWindow();

    // +150 ticks on the parent; a child born after the last sample (starttime 10 050) with 30 ticks.
    write('uptime', '101.00 151.00');
    processFiles(500, 1, 1100, 250, 5000, 3000);
    processFiles(501, 500, 20, 10, 10_050, 1000);
    sampler.sampleNow();

    // +50 on the parent, +20 on the child; the child exits before the next sample.
    write('uptime', '102.00 152.00');
    processFiles(500, 1, 1150, 250, 5000, 2000);
    processFiles(501, 500, 40, 10, 10_050, 1000);
    sampler.sampleNow();
    fs.rmSync(path.join(root, '501'), { recursive: true });
    write('uptime', '103.00 153.00');

    const [usage] = window.close();
    // (150 + 30 + 50 + 20) ticks / 100 = 2.5 CPU-seconds
    expect(usage?.cpuSeconds).toBeCloseTo(2.5, 12);
    // RSS samples: 1000, 4000, 3000, 2000 kB
    expect(usage?.avgRssBytes).toBe(2500 * 1024);
    expect(usage?.peakRssBytes).toBe(4000 * 1024);
    expect(usage?.samples).toBe(4);
  });

  it('does not confuse a reused pid with the old process', () => {
    write('uptime', '100.00 0');
    processFiles(700, 1, 5000, 0, 1000, 100);
    const sampler = new ResourceSampler(
      [{ name: 'p', role: 'other', pid: 700, includeChildren: false }],
      { procRoot: root, clockTicksPerSecond: 100 },
    );
    const window = sampler.openWindow();
    // pid 700 exited and was reused by a process started after the last sample with 7 ticks.
    write('uptime', '101.00 0');
    processFiles(700, 1, 7, 0, 10_020, 100);
    expect(window.close()[0]?.cpuSeconds).toBeCloseTo(0.07, 12);
  });
});
