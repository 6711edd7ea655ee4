import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fleetDown, fleetUp, Pm2Driver } from '@qf/fleet';
import { createInfraContext } from '@qf/local-infra';
import { runExperiment, type ExperimentRun } from './run-experiment';

// The "remote" fleet is a named local fleet this test starts; the experiment only knows its
// URLs, a scale command and the /metrics of its processes, as it would for Kubernetes.
process.env['QF_FLEET_ID'] = 'exptestr';
process.env['QF_FLEET_PORT_OFFSET'] = '12400';

const repoRoot = path.resolve(__dirname, '../../../..');
const base = 'http://127.0.0.1';
const crud = `${base}:${3100 + 12400}`;
const metrics = [3100, 3110, 3120].map((port) => `${base}:${port + 12400}/metrics`);

const config = `
name: remote-tiny
architectures: [crud]
axis: resources
k: [1]
partitions: 2
fleet:
  mode: remote
  crud: { commands: ['${crud}'], reads: ['${crud}'] }
  scaleCommand: node ${path.join(repoRoot, 'bin/qf.js')} fleet scale crud-service={replicas}
  readySeconds: 120
  cpu: { metrics: [${metrics.map((url) => `'${url}'`).join(', ')}] }
workloads:
  - name: mixed
    operations: { register: 2, move: 10, get-player: 10 }
    players: 20
durations: { warmupSeconds: 1, stepSeconds: 3, cooldownSeconds: 0, maxCooldownSeconds: 2 }
search: { startRate: 10, maxRate: 10, maxSteps: 1 }
prices: ${path.join(repoRoot, 'config/prices.yaml')}
measure: { replay: true, storagePerChange: true, historyProbes: 3, consistencyProbes: 3 }
`;

describe('runExperiment against a remote fleet (URLs, a scale command, /metrics)', () => {
  let workDir: string;
  let run: ExperimentRun;
  const prefix = `exptestr-${randomBytes(3).toString('hex')}.`;
  const startedAt = Date.now();

  /** Processes of the default (unnamed) fleet that started while this test ran. */
  const defaultFleetProcessesSinceStart = async () => {
    const named = { id: process.env['QF_FLEET_ID'], offset: process.env['QF_FLEET_PORT_OFFSET'] };
    process.env['QF_FLEET_ID'] = '';
    process.env['QF_FLEET_PORT_OFFSET'] = '0';
    const driver = new Pm2Driver(createInfraContext());
    try {
      const processes = await driver.list();
      return processes.filter((proc) => proc.uptimeMs < Date.now() - startedAt);
    } finally {
      driver.disconnect();
      process.env['QF_FLEET_ID'] = named.id;
      process.env['QF_FLEET_PORT_OFFSET'] = named.offset;
    }
  };

  beforeAll(async () => {
    await fleetUp({
      arch: 'crud',
      env: { QF_TOPIC_PREFIX: prefix, QF_MONGO_DB: prefix.replace(/[^a-z0-9]/g, '_') },
      healthTimeoutMs: 120_000,
    });
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-remote-'));
    const configFile = path.join(workDir, 'remote.yaml');
    fs.writeFileSync(configFile, config);
    run = await runExperiment({
      configFile,
      reportsRoot: path.join(workDir, 'reports'),
      log: () => undefined,
    });
  }, 300_000);

  afterAll(async () => {
    await fleetDown();
    fs.rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('measures the fleet through its URLs and reads its CPU from /metrics', () => {
    expect(run.results.status).toBe('complete');
    const [cell] = run.results.cells;
    expect(cell?.status).toBe('ok');
    expect(cell?.budgetCores).toBe(0.4);
    const [step] = cell?.steps ?? [];
    expect(step?.requests.succeeded).toBeGreaterThan(0);
    const services = step?.processes.filter((process) => process.role === 'service') ?? [];
    expect(services.map((process) => process.name).sort()).toEqual(
      metrics.map((url) => new URL(url).host).sort(),
    );
    expect(services.reduce((sum, process) => sum + process.cpuSeconds, 0)).toBeGreaterThan(0);
    expect(cell?.consistency?.summary.count).toBeGreaterThan(0);
  });

  it('says it is a remote fleet, leaves its data alone and prices k as provisioned cores', () => {
    expect(run.results.budget).toMatchObject({ applied: false });
    expect(run.results.storagePerChange).toEqual([]);
    expect(run.results.notes.join('\n')).toMatch(/storage per change and replay were not measured/);
    expect(run.report.analysis.reps[0]?.costs.provisioned?.quantities.cores).toBe(0.4);
    expect(fs.readFileSync(path.join(run.dir, 'report.md'), 'utf8')).toContain(
      'remote fleet the harness did not start',
    );
  });

  it('scales the named fleet it measures, never the default one', async () => {
    expect((await defaultFleetProcessesSinceStart()).map((proc) => proc.name)).toEqual([]);
  });
});
