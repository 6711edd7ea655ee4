import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectBudgetSupport } from '../budget/cgroup-support';
import { readResults } from '../results/results-file';
import { runExperiment, type ExperimentRun } from './run-experiment';
import { runTag } from './run-plan';

// A named fleet on shifted ports where the fleet supports it, so the test leaves a default
// fleet (`qf fleet up`) alone; without that support the variables are ignored.
process.env['QF_FLEET_ID'] ??= 'exptest';
process.env['QF_FLEET_PORT_OFFSET'] ??= '12000';

const repoRoot = path.resolve(__dirname, '../../../..');

/** Both architectures at k = 1 in a 0.6-core budget, one short step each, a few probes: the whole pipeline, small. */
const tinyConfig = `
name: tiny
description: end-to-end test of the runner
architectures: [es, crud]
axis: resources
k: [1]
partitions: 2
workloads:
  - name: mixed
    operations: { register: 2, move: 10, pick-up: 8, drop: 5, take-damage: 8, heal: 5, gain-experience: 8, get-player: 35, get-room: 8, leaderboard: 5, history: 4, state-at: 2 }
    players: 30
durations: { warmupSeconds: 1, stepSeconds: 3, cooldownSeconds: 0, maxCooldownSeconds: 5 }
budget: { unitCores: 0.6 }
search: { startRate: 10, maxRate: 10, maxSteps: 1 }
pollution: { maxReruns: 0 }
prices: ${path.join(repoRoot, 'config/prices.yaml')}
measure: { replay: true, storagePerChange: true, historyProbes: 5, consistencyProbes: 5 }
`;

const support = detectBudgetSupport();

// The integration setup points every client at the shared servers; the experiment starts its
// own inside the budget and refuses external ones, so the test clears them while it runs.
const EXTERNAL = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL'] as const;
const saved = Object.fromEntries(EXTERNAL.map((name) => [name, process.env[name]]));
beforeAll(() => {
  for (const name of EXTERNAL) delete process.env[name];
});
afterAll(() => {
  for (const name of EXTERNAL) if (saved[name] !== undefined) process.env[name] = saved[name];
});

// Where no CPU budget can be set (no root, read-only cgroups) the resources axis is refused.
describe('runExperiment without CPU budgets', () => {
  it('refuses the resources axis, saying why', async () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-experiment-'));
    const configFile = path.join(workDir, 'tiny.yaml');
    fs.writeFileSync(configFile, tinyConfig);
    await expect(
      runExperiment({
        configFile,
        reportsRoot: workDir,
        log: () => undefined,
        detectBudget: () => ({ ok: false, reason: 'cgroups are read-only in this test' }),
      }),
    ).rejects.toThrow(/no budget can be set here: cgroups are read-only in this test/);
    fs.rmSync(workDir, { recursive: true, force: true });
  });
});

(support.ok ? describe : describe.skip)(
  'runExperiment against the real fleet, in a CPU budget',
  () => {
    let workDir: string;
    let run: ExperimentRun;

    beforeAll(async () => {
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-experiment-'));
      const configFile = path.join(workDir, 'tiny.yaml');
      fs.writeFileSync(configFile, tinyConfig);
      run = await runExperiment({
        configFile,
        reportsRoot: path.join(workDir, 'reports'),
        log: () => undefined,
      });
    }, 240_000);

    afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

    it('completes and writes results.json, report.md, report.html and the charts', () => {
      expect(run.results.status).toBe('complete');
      for (const file of ['results.json', 'report.md', 'report.html'])
        expect(fs.statSync(path.join(run.dir, file)).size).toBeGreaterThan(0);
      const charts = fs.readdirSync(path.join(run.dir, 'charts'));
      expect(charts).toEqual(
        expect.arrayContaining([
          'latency-vs-throughput.svg',
          'cost-breakdown.svg',
          'time-to-consistency.svg',
          'replay-time.svg',
          'storage-per-change.svg',
        ]),
      );
      expect(run.report.chartErrors).toEqual([]);
      expect(fs.readlinkSync(path.join(run.dir, '..', 'latest'))).toBe(path.basename(run.dir));
      expect(readResults(run.dir).results.cells).toHaveLength(2);
    });

    it('ran the system inside the budget and removed it, and the own infrastructure, afterwards', () => {
      expect(run.results.budget).toMatchObject({ applied: true, unitCores: 0.6, periodUs: 10_000 });
      expect(run.results.sut?.starts.length).toBeGreaterThanOrEqual(1);
      for (const cell of run.results.cells) {
        expect(cell.budgetCores).toBe(0.6);
        expect(cell.jvmProcessors).toBe(1);
        const [step] = cell.steps;
        expect(step?.budget?.limitCores).toBe(0.6);
        expect(step?.budget?.coresUsed).toBeLessThanOrEqual(0.6 * 1.05);
        expect(step?.machineCpu?.sutCores).toBeGreaterThan(0);
        expect(step?.cooldown?.seconds).toBeGreaterThanOrEqual(0);
      }
      const groups = fs.readdirSync(
        support.ok && support.version === 1 ? support.cpuParent : '/sys/fs/cgroup',
      );
      expect(groups.filter((name) => name.includes(`qf-budget-${process.pid}-`))).toEqual([]);
      const tag = runTag(new Date(run.results.startedAt));
      expect(fs.existsSync(path.join(repoRoot, '.local', 'experiment', tag))).toBe(false);
    });

    it('measured real figures for both architectures', () => {
      for (const cell of run.results.cells) {
        expect(cell.status).toBe('ok');
        const [step] = cell.steps;
        expect(step?.status).toBe('ok');
        expect(step?.requests.succeeded).toBeGreaterThan(0);
        expect(step?.throughput).toBeGreaterThan(0);
        expect(step?.latencyMs.p95).toBeGreaterThan(0);
        const roles = new Set(step?.processes.map((process) => process.role));
        expect([...roles]).toEqual(
          expect.arrayContaining(['service', 'kafka', 'database', 'loadgen']),
        );
        const services = step?.processes.filter((process) => process.role === 'service') ?? [];
        expect(services.reduce((sum, process) => sum + process.cpuSeconds, 0)).toBeGreaterThan(0);
        expect(services.every((process) => process.peakRssBytes > 0)).toBe(true);
        expect(step?.disk.reduce((sum, entry) => sum + entry.bytes, 0)).toBeGreaterThan(0);
        expect(cell.consistency?.summary.count).toBeGreaterThan(0);
        expect(step?.consumerLag?.length).toBeGreaterThan(0);
      }
      expect(run.results.storagePerChange.map((entry) => entry.arch).sort()).toEqual([
        'crud',
        'es',
      ]);
      for (const entry of run.results.storagePerChange) {
        expect(entry.changes).toBeGreaterThan(0);
        expect(entry.bytesPerChange).toBeGreaterThan(0);
      }
      expect(run.results.replay.map((entry) => [entry.arch, entry.status]).sort()).toEqual([
        ['crud', 'ok'],
        ['es', 'ok'],
      ]);
      expect(run.results.replay.every((entry) => entry.events > 0)).toBe(true);
      expect(run.results.history).toHaveLength(6);
      // Probed under the workload at the consistency rate, grouped by history length.
      for (const entry of run.results.history) {
        expect(entry.offeredRate).toBeGreaterThan(0);
        expect(entry.byLength?.length).toBeGreaterThan(0);
        // Every answered probe belongs to a group (the groups also count dropped ones).
        expect(
          entry.byLength?.reduce((sum, group) => sum + group.requests, 0),
        ).toBeGreaterThanOrEqual(entry.requests);
      }
      expect(run.report.analysis.cells).toHaveLength(2);
      expect(run.report.analysis.reps.every((rep) => (rep.F.provisioned ?? 0) > 0)).toBe(true);
    });
  },
);
