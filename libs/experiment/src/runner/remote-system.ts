import { exec } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { RemoteFleetConfig } from '../config/fleet.schema';
import type { ProcessUsage } from '../results/experiment-results';
import { LOADGEN_TARGET, type CellSystem, type CpuWindow } from './cell-system';
import { fillCommand, parseMetricValue, parsePrometheusVector, windowQuery } from './remote-cpu';
import type { CellPlan } from './run-plan';
import { sleep } from './short-reason';

const run = promisify(exec);

const fetchText = async (url: string): Promise<string> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.text();
};

/** Runs the scale command for the cell: once, or once per service when it names {service}. */
const scale = async (remote: RemoteFleetConfig, plan: CellPlan): Promise<void> => {
  if (!remote.scaleCommand) return;
  const template = remote.scaleCommand;
  const base = { arch: plan.arch, k: plan.k, replicas: plan.k, cores: plan.budgetCores };
  const commands = template.includes('{service}')
    ? Object.entries(plan.replicas).map(([service, replicas]) =>
        fillCommand(template, { ...base, service, replicas }),
      )
    : [fillCommand(template, base)];
  for (const command of commands) {
    try {
      // The environment is passed on purpose: it carries the fleet identity (QF_FLEET_ID) the
      // scale command acts on. Under Jest, process.env is the test file's own copy, and a
      // child given no env got the worker's, scaling the default fleet instead.
      await run(command, { timeout: remote.readySeconds * 1000, env: process.env });
    } catch (error) {
      const failed = error as { stderr?: string; message: string };
      throw new Error(
        `scale command failed: ${command}: ${(failed.stderr || failed.message).trim().slice(0, 300)}`,
      );
    }
  }
};

/** Waits until every front answers /health with 200 after scaling. */
const waitHealthy = async (urls: readonly string[], seconds: number): Promise<void> => {
  const deadline = Date.now() + seconds * 1000;
  let pending = [...urls];
  while (pending.length > 0) {
    const answers = await Promise.all(
      pending.map((url) =>
        fetch(`${url.replace(/\/$/, '')}/health`, { signal: AbortSignal.timeout(3000) })
          .then((r) => r.ok)
          .catch(() => false),
      ),
    );
    pending = pending.filter((_, index) => !answers[index]);
    if (pending.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not healthy within ${seconds} s after scaling: ${pending.join(', ')}`);
    await sleep(1000);
  }
};

/** CPU from Prometheus: the configured query over the window, at its end. */
const prometheusWindow = (url: string, query: string): CpuWindow => {
  const started = performance.now();
  return {
    close: async () => {
      const seconds = (performance.now() - started) / 1000;
      const promql = windowQuery(query, seconds);
      const body = (await (
        await fetch(`${url.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`, {
          signal: AbortSignal.timeout(10_000),
        })
      ).json()) as unknown;
      const cores = parsePrometheusVector(body);
      const usage: ProcessUsage = {
        name: 'remote system (Prometheus)',
        role: 'service',
        pid: 0,
        cpuSeconds: cores * seconds,
        avgRssBytes: 0,
        peakRssBytes: 0,
        samples: 1,
      };
      return { seconds, processes: [usage] };
    },
  };
};

/** CPU from each process's /metrics: process_cpu_seconds_total at both ends of the window. */
const metricsWindow = (urls: readonly string[]): CpuWindow => {
  const started = performance.now();
  const scrape = () => Promise.all(urls.map((url) => fetchText(url).catch(() => '')));
  const before = scrape();
  return {
    close: async () => {
      const seconds = (performance.now() - started) / 1000;
      const [start, end] = [await before, await scrape()];
      const processes = urls.map((url, index): ProcessUsage => {
        const cpu = (text: string | undefined) =>
          parseMetricValue(text ?? '', 'process_cpu_seconds_total') ?? Number.NaN;
        const rss = parseMetricValue(end[index] ?? '', 'process_resident_memory_bytes') ?? 0;
        const delta = cpu(end[index]) - cpu(start[index]);
        return {
          name: new URL(url).host,
          role: 'service',
          pid: 0,
          cpuSeconds: Number.isFinite(delta) ? Math.max(0, delta) : 0,
          avgRssBytes: rss,
          peakRssBytes: rss,
          samples: 2,
        };
      });
      return { seconds, processes };
    },
  };
};

/**
 * A fleet the harness did not start (docs/experiment.md, "Remote fleet"): scaled per cell by
 * the config's command, reached through its URLs, its CPU read from Prometheus or /metrics.
 * The load generator runs here, on its own node. Nothing is budgeted, removed or measured on
 * disk here; Kafka and the database are reached only when KAFKA_BROKERS / MONGO_URL are set.
 */
export const remoteCellSystem = (
  remote: RemoteFleetConfig,
  clients: { mongo?: MongoClient; kafka?: Kafka; admin?: Admin },
): CellSystem => ({
  kind: 'remote',
  ...clients,
  logDirs: [],
  ownsData: false,
  async start(plan) {
    const fronts = remote[plan.arch];
    if (!fronts) throw new Error(`fleet.${plan.arch}: no URLs for the remote ${plan.arch} fleet`);
    const started = performance.now();
    await scale(remote, plan);
    await waitHealthy([...new Set([...fronts.commands, ...fronts.reads])], remote.readySeconds);
    return {
      fleet: { replicas: [], urls: { commands: fronts.commands, reads: fronts.reads } },
      sampled: [LOADGEN_TARGET],
      fleetStartSeconds: Math.round((performance.now() - started) / 100) / 10,
    };
  },
  beginMeasure: () => undefined,
  stop: async () => undefined,
  openCpu() {
    const cpu = remote.cpu;
    if (!cpu) {
      const started = performance.now();
      return { close: async () => ({ seconds: (performance.now() - started) / 1000 }) };
    }
    return 'prometheus' in cpu
      ? prometheusWindow(cpu.prometheus, cpu.query)
      : metricsWindow(cpu.metrics);
  },
});
