import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { detectBudgetSupport } from './cgroup-support';
import { CpuBudget, processStartTime } from './cpu-budget';
import { sweepStaleBudgets } from './stale-sweep';

const repoRoot = path.resolve(__dirname, '../../../..');
const support = detectBudgetSupport();
// Budgets need root and a writable cgroup mount; elsewhere the suite says why and skips.
const describeWithCgroups = support.ok ? describe : describe.skip;
if (!support.ok) process.stderr.write(`cpu-budget.int.spec: skipped: ${support.reason}\n`);

const alive = (pid: number) => processStartTime(pid) !== undefined;

const busyLoop = (): ChildProcess =>
  spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });

/** Starts the fixture that holds a budget with a busy child; resolves with what it printed. */
const startHolder = async (
  env: NodeJS.ProcessEnv = {},
): Promise<{
  holder: ChildProcess;
  dirs: string[];
  busy: number;
}> => {
  const holder = spawn(
    process.execPath,
    ['-r', './tools/register.js', 'libs/experiment/src/budget/fixtures/budget-holder.ts'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    holder.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    holder.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  const { dirs, busy } = JSON.parse(line) as { dirs: string[]; busy: number };
  return { holder, dirs, busy };
};

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

describeWithCgroups('CpuBudget on the real cgroup tree', () => {
  it('holds two busy processes to the budget over 10 s, then removes the group and them', async () => {
    const budget = CpuBudget.create(support, { label: 'test-limit', periodUs: 10_000 });
    const busy = [busyLoop(), busyLoop()];
    try {
      budget.setCores(0.3);
      for (const child of busy) budget.adopt(child.pid as number);
      expect(budget.members().sort()).toEqual(busy.map((child) => child.pid).sort());
      await sleep(500);
      const start = budget.counters();
      const startedAt = performance.now();
      await sleep(10_000);
      const end = budget.counters();
      const seconds = (performance.now() - startedAt) / 1000;
      const cores = (end.usageSeconds - start.usageSeconds) / seconds;
      expect(cores).toBeGreaterThan(0);
      expect(cores).toBeLessThanOrEqual(0.3 * 1.05);
      // Two loops want 2 cores and may have 0.3: the kernel throttled the group.
      expect(end.throttledPeriods).toBeGreaterThan(start.throttledPeriods);
    } finally {
      await budget.remove(1000);
    }
    for (const dir of budget.dirs) expect(fs.existsSync(dir)).toBe(false);
    await Promise.all(busy.map(exited));
    for (const child of busy) expect(alive(child.pid as number)).toBe(false);
  }, 30_000);

  it('is removed, with what ran in it, when its owner gets Ctrl-C', async () => {
    const { holder, dirs, busy } = await startHolder();
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(true);
    expect(alive(busy)).toBe(true);
    holder.kill('SIGINT');
    expect(await exited(holder)).toBe(130);
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
    expect(alive(busy)).toBe(false);
  }, 30_000);

  it('is removed by the exit hook when its owner quits at once (a second Ctrl-C)', async () => {
    const { holder, dirs, busy } = await startHolder({ QF_HOLDER_EXIT_AT_ONCE: '1' });
    holder.kill('SIGINT');
    expect(await exited(holder)).toBe(130);
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
    expect(alive(busy)).toBe(false);
  }, 30_000);

  it('is swept, with what ran in it, after its owner was killed outright', async () => {
    const { holder, dirs, busy } = await startHolder();
    holder.kill('SIGKILL');
    await exited(holder);
    // The owner could not clean up: the group and the busy child are still there.
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(true);
    expect(alive(busy)).toBe(true);
    const swept = sweepStaleBudgets(support);
    expect(swept.map((group) => group.ownerPid)).toContain(holder.pid);
    expect(swept.find((group) => group.ownerPid === holder.pid)?.stopped).toContain(busy);
    for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
    expect(alive(busy)).toBe(false);
  }, 30_000);

  it('leaves the groups of live owners alone', () => {
    const budget = CpuBudget.create(support, { label: 'test-live', periodUs: 10_000 });
    try {
      sweepStaleBudgets(support);
      for (const dir of budget.dirs) expect(fs.existsSync(dir)).toBe(true);
    } finally {
      budget.removeSync();
    }
  });
});
