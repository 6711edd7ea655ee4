import { logLevel, type Admin, type Kafka } from 'kafkajs';
import type { MongoClient } from 'mongodb';
import type { InfraContext } from '@qf/local-infra';
import { createKafka } from '@qf/shared-kafka';
import { createMongoClient } from '@qf/shared-mongo';
import { cfsQuotaUs } from '../budget/budget-arithmetic';
import type { BudgetSupport } from '../budget/cgroup-support';
import { CpuBudget } from '../budget/cpu-budget';
import { sweepStaleBudgets } from '../budget/stale-sweep';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { BackendInfo, BudgetInfo, SutInfo } from '../results/experiment-results';
import { chooseSutPorts } from '../sut/sut-environment';
import { SutInfra, sweepStaleRuns } from '../sut/sut-infra';
import { endFleet } from './cell-fleet';
import { localCellSystem, type CellSystem } from './cell-system';
import { backendInfo } from './infra-probe';
import { warmUpInfrastructure } from './infra-warmup';
import type { RunProgressReporter } from './progress';
import type { CellPlan } from './run-plan';
import { shortReason } from './short-reason';

/**
 * CPU weight of the system's budget group and of the experiment process's own group, as a
 * multiple of the default: on a machine other work shares, the budget is then a guarantee as
 * well as a cap, and the load generator is not starved either (docs/adr/0002).
 */
export const PRIORITY = 10;

/** What a run needs from its system under test, local or remote. */
export interface RunSystem {
  readonly cells: CellSystem;
  /** Before each cell: the infrastructure running with the cell's JVM processor count. */
  beforeCell(plan: CellPlan): Promise<void>;
  describe(): Promise<{ budget?: BudgetInfo; sut?: SutInfo; backends: BackendInfo[] }>;
  dispose(keepData: boolean, notes: string[]): Promise<void>;
}

export interface RunContext {
  readonly config: ExperimentConfig;
  readonly progress: RunProgressReporter;
  readonly signal: AbortSignal;
  readonly notes: string[];
  readonly tag: string;
}

const budgetInfo = (support: BudgetSupport, config: ExperimentConfig): BudgetInfo =>
  support.ok
    ? {
        applied: true,
        mechanism: support.describe,
        unitCores: config.budget.unitCores,
        periodUs: config.budget.periodMs * 1000,
        members: [
          'every service replica',
          'their supervisor (pm2)',
          'Kafka',
          'the Mongo-wire server',
          'Redis',
        ],
      }
    : { applied: false, reason: support.reason };

/**
 * The local system under test: a CPU budget group (and a weighted group for the experiment
 * process itself), the run's own infrastructure started and warmed inside it, restarted when
 * the JVM processor count changes, and everything removed at the end (ADR 0004).
 */
export class LocalRun implements RunSystem {
  private mongo: MongoClient | undefined;
  private kafka: Kafka | undefined;
  private admin: Admin | undefined;
  private readonly starts: SutInfo['starts'][number][] = [];
  readonly cells: CellSystem;

  private constructor(
    private readonly run: RunContext,
    private readonly support: BudgetSupport,
    private readonly sut: SutInfra,
    private readonly budget: CpuBudget | undefined,
    private readonly harness: CpuBudget | undefined,
  ) {
    this.cells = localCellSystem(sut, budget, () => ({
      ...(this.mongo ? { mongo: this.mongo } : {}),
      ...(this.kafka ? { kafka: this.kafka } : {}),
      ...(this.admin ? { admin: this.admin } : {}),
    }));
  }

  /** Sweeps what dead runs left, creates the groups, picks the ports. Nothing starts yet. */
  static async create(
    run: RunContext,
    support: BudgetSupport,
    base: InfraContext,
  ): Promise<LocalRun> {
    for (const swept of sweepStaleBudgets(support))
      run.notes.push(
        `Removed the CPU budget ${swept.name} of a run that had died (pid ${swept.ownerPid}) and stopped ${swept.stopped.length} process(es) left in it.`,
      );
    for (const swept of await sweepStaleRuns(base))
      run.notes.push(`Removed the leftovers of a run that had died: .local/experiment/${swept}.`);
    const periodUs = run.config.budget.periodMs * 1000;
    let budget: CpuBudget | undefined;
    let harness: CpuBudget | undefined;
    if (support.ok) {
      budget = CpuBudget.create(support, { label: `exp-${run.tag}`, periodUs });
      cfsQuotaUs(Math.min(...run.config.scale.map((point) => point.budgetCores)), periodUs);
      budget.setPriority(PRIORITY);
      harness = CpuBudget.create(support, { label: `exp-${run.tag}-harness`, periodUs });
      harness.setPriority(PRIORITY);
      harness.adopt(process.pid, false);
    } else {
      run.notes.push(
        `No CPU budget could be set (${support.reason}): the load axis ran with the system under test unconfined.`,
      );
    }
    const sut = new SutInfra(
      base,
      run.tag,
      await chooseSutPorts(Number(process.env['QF_EXPERIMENT_PORT_BASE'] ?? 39_000)),
    );
    return new LocalRun(run, support, sut, budget, harness);
  }

  async beforeCell(plan: CellPlan): Promise<void> {
    // Idempotent: also restarts a server that died in an earlier cell, from its data, into the budget.
    if (this.sut.runningProcessors !== plan.jvmProcessors || this.sut.recordedServers().length < 3)
      await this.startInfra(plan.jvmProcessors);
  }

  /** Starts (or restarts) the own infrastructure and warms it up unmeasured: its JVMs compile under load. */
  private async startInfra(processors: number): Promise<void> {
    const { progress, config, signal } = this.run;
    progress.phase(
      `infrastructure: starting the run's own Kafka, Mongo-wire server and Redis (JVMs told ${processors} processor(s))`,
    );
    const started = await this.sut.start(processors, this.budget);
    await this.admin?.disconnect().catch(() => undefined);
    this.mongo ??= await createMongoClient().connect();
    this.kafka ??= createKafka('qf-experiment', { logLevel: logLevel.ERROR });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const seconds = config.durations.infraWarmupSeconds;
    if (seconds > 0 && !signal.aborted) await this.warmUp(seconds);
    this.starts.push({
      at: new Date().toISOString(),
      seconds: Math.round(started.seconds * 10) / 10,
      processors,
      warmupSeconds: seconds,
    });
  }

  private async warmUp(seconds: number): Promise<void> {
    const { progress, signal, notes } = this.run;
    progress.phase(
      `warming up Kafka and the Mongo-wire server for ${seconds} s (transactions and bulk writes, not measured)`,
    );
    const limit = this.budget?.limitCores;
    this.budget?.setCores(undefined);
    const topic = `exp-${this.sut.tag}-warmup-${this.starts.length + 1}`;
    try {
      const warmed = await warmUpInfrastructure({
        kafka: createKafka('qf-experiment-warmup', {
          logLevel: logLevel.NOTHING,
          retry: { initialRetryTime: 10, maxRetryTime: 1000, retries: 10 },
        }),
        db: (this.mongo as MongoClient).db(topic.replace(/-/g, '_')),
        topic,
        seconds,
        signal,
        onProgress: (done, elapsed) =>
          progress.line(
            `  warm-up ${Math.round(elapsed)} / ${seconds} s: ${done.transactions} transactions, ${done.documents} documents written`,
          ),
      });
      notes.push(
        `After infrastructure start ${this.starts.length + 1}, Kafka and the Mongo-wire server were warmed for ${seconds} s, not measured: ${warmed.transactions} transactions and ${warmed.documents} documents written.`,
      );
    } finally {
      this.budget?.setCores(limit);
    }
  }

  async describe() {
    return {
      budget: budgetInfo(this.support, this.run.config),
      sut: { ports: { ...this.sut.ports }, starts: [...this.starts] },
      backends: this.mongo ? await backendInfo(this.sut.ctx, this.mongo.db('admin')) : [],
    };
  }

  async dispose(keepData: boolean, notes: string[]): Promise<void> {
    await endFleet(this.sut.ctx).catch((error: unknown) =>
      notes.push(`fleet down at the end failed: ${shortReason(error)}`),
    );
    await this.admin?.disconnect().catch(() => undefined);
    await this.mongo?.close().catch(() => undefined);
    await this.sut
      .dispose({ keepData })
      .catch((error: unknown) =>
        notes.push(`stopping the run's infrastructure failed: ${shortReason(error)}`),
      );
    await this.budget
      ?.remove()
      .catch((error: unknown) =>
        notes.push(`removing the CPU budget failed: ${shortReason(error)}`),
      );
    this.harness?.removeSync();
  }
}
