import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fleetDown } from '@qf/fleet';
import {
  INFRA_PREFIX,
  infraDown,
  infraUp,
  isRecordedAlive,
  listRecorded,
  type RecordedInfraAddresses,
  type InfraContext,
} from '@qf/local-infra';
import type { CpuBudget } from '../budget/cpu-budget';
import { processStartTime } from '../budget/cpu-budget';
import { EnvScope, type SutPorts } from './sut-environment';

/** Who owns a run directory: a sweep removes the directories of owners that are gone. */
interface OwnerRecord {
  readonly pid: number;
  readonly startTime: number;
  readonly createdAt: string;
}

const OWNER_FILE = 'owner.json';

/** The experiment's own `.local`: data, logs, pids and pm2 under one directory per run; jars shared. */
export const sutContext = (base: InfraContext, runDir: string): InfraContext => ({
  ...base,
  localDir: runDir,
  dataDir: path.join(runDir, 'data'),
  logDir: path.join(runDir, 'logs'),
  runDir: path.join(runDir, 'run'),
});

/** Where runs keep their own infrastructure: `.local/experiment/<tag>/`. */
export const experimentRunsDir = (base: InfraContext): string =>
  path.join(base.localDir, 'experiment');

/** The pm2 daemon supervising a context's fleet, when it runs. */
export const pm2DaemonPid = (ctx: InfraContext): number | undefined => {
  try {
    const pid = Number(fs.readFileSync(path.join(ctx.localDir, 'pm2', 'pm2.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && processStartTime(pid) !== undefined
      ? pid
      : undefined;
  } catch {
    return undefined;
  }
};

/** How long the own infrastructure took to start, seconds (recorded in results.json). */
export interface SutStart {
  readonly seconds: number;
  readonly processors: number;
  readonly addresses: RecordedInfraAddresses;
}

/**
 * The system under test's own infrastructure: a Kafka, a Mongo-wire server and a Redis of the
 * experiment's own, on free ports, with data under `.local/experiment/<tag>/`, their JVMs told
 * the budget's processor count, every process moved into the CPU budget once it answers (the
 * start itself runs unlimited: it is not measured). The shared servers on the default ports
 * stay out of the budget and out of the figures (docs/adr/0004-experiment-cpu-budget.md).
 */
export class SutInfra {
  readonly ctx: InfraContext;
  private readonly env = new EnvScope();
  private addresses: RecordedInfraAddresses | undefined;
  private processors: number | undefined;

  constructor(
    base: InfraContext,
    readonly tag: string,
    readonly ports: SutPorts,
  ) {
    const dir = path.join(experimentRunsDir(base), tag);
    this.ctx = sutContext(base, dir);
    for (const made of [this.ctx.runDir, this.ctx.logDir, this.ctx.dataDir])
      fs.mkdirSync(made, { recursive: true });
    const owner: OwnerRecord = {
      pid: process.pid,
      startTime: processStartTime(process.pid) ?? 0,
      createdAt: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner, null, 2));
  }

  /** The JVM processor count the infrastructure runs with now (undefined: not started). */
  get runningProcessors(): number | undefined {
    return this.processors;
  }

  /**
   * Starts (or, with another processor count, restarts) the infrastructure, unlimited, then moves
   * it into `budget`. While the run lasts, QF_LOCAL_DIR points at the run's directory, so every
   * client of the experiment process (`createKafka`, `createMongoClient`, `createRedis`) and
   * every service finds this infrastructure through its recorded `infra.json`.
   */
  async start(processors: number, budget: CpuBudget | undefined): Promise<SutStart> {
    const started = performance.now();
    if (this.processors !== undefined && this.processors !== processors) await this.stopInfra();
    const limit = budget?.limitCores;
    budget?.setCores(undefined);
    try {
      this.env.set({
        KAFKA_BROKERS: undefined,
        MONGO_URL: undefined,
        REDIS_URL: undefined,
        QF_LOCAL_DIR: this.ctx.localDir,
        QF_KAFKA_PORT: String(this.ports.kafka),
        QF_MONGO_PORT: String(this.ports.mongo),
        QF_REDIS_PORT: String(this.ports.redis),
        JAVA_TOOL_OPTIONS: `-XX:ActiveProcessorCount=${processors}`,
      });
      const addresses = await infraUp(this.ctx, { brokers: 1 });
      this.env.set({ JAVA_TOOL_OPTIONS: undefined });
      if (budget) this.adoptInto(budget);
      this.addresses = addresses;
      this.processors = processors;
      return { seconds: (performance.now() - started) / 1000, processors, addresses };
    } finally {
      budget?.setCores(limit);
    }
  }

  /** Infrastructure servers of this run that are alive now. */
  recordedServers() {
    return listRecorded(this.ctx, INFRA_PREFIX).filter(isRecordedAlive);
  }

  /** Moves the servers and the fleet's supervisor (with whatever they started) into the budget. */
  adoptInto(budget: CpuBudget): number[] {
    const pids = this.recordedServers().map((record) => record.pid);
    const supervisor = pm2DaemonPid(this.ctx);
    if (supervisor !== undefined) pids.push(supervisor);
    return pids.flatMap((pid) => budget.adopt(pid));
  }

  /** Stops the servers (the fleet is stopped by the runner before). */
  private async stopInfra(): Promise<void> {
    await infraDown(this.ctx);
    this.processors = undefined;
  }

  /** Stops everything of this run and restores the environment; removes its files unless kept. */
  async dispose(options: { keepData: boolean }): Promise<void> {
    try {
      await this.stopInfra();
    } finally {
      this.env.restore();
      if (!options.keepData) fs.rmSync(this.ctx.localDir, { recursive: true, force: true });
    }
  }

  get infraAddresses(): RecordedInfraAddresses | undefined {
    return this.addresses;
  }
}

/**
 * Removes the run directories of experiments that died without cleaning up: stops their
 * recorded servers and pm2 daemon (what a CPU-budget sweep did not already stop) and deletes
 * their data. Directories of live runs are left alone.
 */
export const sweepStaleRuns = async (base: InfraContext): Promise<string[]> => {
  const root = experimentRunsDir(base);
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(root);
  } catch {
    return [];
  }
  const swept: string[] = [];
  for (const entry of entries) {
    const dir = path.join(root, entry);
    let owner: OwnerRecord | undefined;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as OwnerRecord;
    } catch {
      continue; // not a run directory of ours (or still being created)
    }
    if (processStartTime(owner.pid) === owner.startTime) continue;
    const ctx = sutContext(base, dir);
    await infraDown(ctx).catch(() => undefined);
    if (pm2DaemonPid(ctx) !== undefined) await fleetDown(ctx).catch(() => undefined);
    const daemon = pm2DaemonPid(ctx);
    if (daemon !== undefined) {
      try {
        process.kill(daemon, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    swept.push(entry);
  }
  return swept;
};
