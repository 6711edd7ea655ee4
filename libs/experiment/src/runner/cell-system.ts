import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { CpuBudget } from '../budget/cpu-budget';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { ProcessUsage } from '../results/experiment-results';
import type { SampleTarget } from '../sampler/resource-sampler';
import { pm2DaemonPid, type SutInfra } from '../sut/sut-infra';
import { startCellFleet, stopCellFleet, type CellFleet } from './cell-fleet';
import { openCpuWindow, type CpuWindowResult } from './cpu-window';
import { infraSampleTargets, kafkaLogDirs } from './infra-probe';
import type { CellPlan } from './run-plan';

/** A cell's fleet once it runs: where to send load, and which processes to sample and watch. */
export interface StartedCell {
  readonly fleet: CellFleet;
  /** Processes sampled from /proc (the load generator always; the system when it is local). */
  readonly sampled: readonly SampleTarget[];
  readonly fleetStartSeconds: number;
}

/** CPU over one measured window; `processes` replaces the sampler's figures when the system is remote. */
export interface CpuWindow {
  close(
    sampled: readonly ProcessUsage[],
  ): Promise<CpuWindowResult & { processes?: ProcessUsage[] }>;
}

/**
 * The system under test as a cell sees it: started here inside a CPU budget (local), or a
 * fleet the harness did not start (remote). Everything the runner does differently for the
 * two goes through this.
 */
export interface CellSystem {
  readonly kind: 'local' | 'remote';
  readonly budget?: CpuBudget;
  /** Clients of the system's Kafka and database, when the harness can reach them. */
  readonly mongo?: MongoClient;
  readonly kafka?: Kafka;
  readonly admin?: Admin;
  /** Kafka log directories on this disk (empty when remote). */
  readonly logDirs: readonly string[];
  /** The cell's topics and database are the harness's: measured on disk and removed after the cell. */
  readonly ownsData: boolean;
  start(plan: CellPlan, config: ExperimentConfig): Promise<StartedCell>;
  /** Before the idle baseline and the steps: the cell's budget in force. */
  beginMeasure(plan: CellPlan): void;
  stop(): Promise<void>;
  openCpu(): CpuWindow;
}

/** Every process of the local system under test, sampled once a second from /proc. */
const localSampleTargets = (fleet: CellFleet, sut: SutInfra): SampleTarget[] => {
  const supervisor = pm2DaemonPid(sut.ctx);
  return [
    ...fleet.replicas.map((replica) => ({
      name: replica.label,
      role: 'service' as const,
      pid: replica.pid,
    })),
    ...infraSampleTargets(sut.ctx),
    // The supervisor's children are the replicas, sampled on their own.
    ...(supervisor === undefined
      ? []
      : [{ name: 'pm2', role: 'supervisor' as const, pid: supervisor, includeChildren: false }]),
  ];
};

export const LOADGEN_TARGET: SampleTarget = {
  name: 'loadgen',
  role: 'loadgen',
  pid: process.pid,
  includeChildren: false,
};

/** The fleet started here, on the run's own infrastructure, inside the budget (ADR 0004). */
export const localCellSystem = (
  sut: SutInfra,
  budget: CpuBudget | undefined,
  /** The clients change when the infrastructure restarts: read live. */
  clients: () => { mongo?: MongoClient; kafka?: Kafka; admin?: Admin },
): CellSystem => ({
  kind: 'local',
  ...(budget ? { budget } : {}),
  get mongo() {
    return clients().mongo;
  },
  get kafka() {
    return clients().kafka;
  },
  get admin() {
    return clients().admin;
  },
  get logDirs() {
    return kafkaLogDirs(sut.ctx);
  },
  ownsData: true,
  async start(plan, config) {
    // Start-up is not measured and would crawl at a fraction of a core: unlimited, in the group.
    budget?.setCores(undefined);
    const started = performance.now();
    const fleet = await startCellFleet(plan, config, sut.ctx, () => undefined);
    const fleetStartSeconds = Math.round((performance.now() - started) / 100) / 10;
    if (budget) {
      sut.adoptInto(budget);
      const members = new Set(budget.members());
      const outside = fleet.replicas.filter((replica) => !members.has(replica.pid));
      if (outside.length > 0)
        throw new Error(
          `not inside the CPU budget: ${outside.map((replica) => replica.label).join(', ')}`,
        );
    }
    return {
      fleet,
      sampled: [...localSampleTargets(fleet, sut), LOADGEN_TARGET],
      fleetStartSeconds,
    };
  },
  beginMeasure(plan) {
    budget?.setCores(plan.budgetCores);
  },
  async stop() {
    budget?.setCores(undefined);
    await stopCellFleet(sut.ctx);
  },
  openCpu() {
    const window = openCpuWindow(budget);
    return { close: async (sampled) => window.close(sampled) };
  },
});
