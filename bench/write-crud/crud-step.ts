import type { Db } from 'mongodb';
import { formatWriteBench, runWriteBench, type WriteBenchReport } from '@qf/bench-write';
import { probeConsistency } from '@qf/experiment';
import { formatTable, HttpTarget, type KeyDistribution, type OperationMix } from '@qf/loadgen';
import type { ServiceProcess } from '@qf/shared-testing';
import { commandCost, formatCommandCost, takeCostSnapshot, type CommandCost } from './cost';
import {
  BacklogSampler,
  formatCrudExtras,
  measureCrudExtras,
  readCrudCounters,
  waitForAuditDrain,
  type CrudCounters,
  type CrudExtras,
} from './crud-extras';

/** The CRUD fleet a run drives: crud-service, its relays and audit consumers, on their own database. */
export interface CrudFleet {
  readonly db: Db;
  readonly crud: ServiceProcess;
  readonly relays: readonly ServiceProcess[];
  readonly consumers: readonly ServiceProcess[];
  /** Every process whose CPU counts (services, the database and Kafka servers, this process). */
  readonly pids: ReadonlyMap<string, number | undefined>;
  readonly auditMode: 'outbox' | 'dual-write';
}

/** One load step at a fixed rate. */
export interface CrudStepOptions {
  readonly rate: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly players: number;
  readonly scenario: string;
  readonly mix?: OperationMix;
  readonly distribution: KeyDistribution;
  readonly connections: number;
  readonly partitions: number;
  readonly seed: number;
  /** Time-to-consistency probes spread over the measured seconds (0: none). */
  readonly probes: number;
  readonly drainTimeoutSec: number;
}

export interface TimeToConsistency {
  readonly count: number;
  readonly timeouts: number;
  readonly errors: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

export interface CrudStepResult {
  readonly report: WriteBenchReport;
  readonly extras: CrudExtras;
  readonly cost?: CommandCost;
  readonly timeToConsistency?: TimeToConsistency;
}

const decided = (counters: CrudCounters): number =>
  counters.accepted + counters.rejected + counters.duplicates + counters.exhausted;

/**
 * Drives the fleet at one rate (runWriteBench, open loop) and measures what only the CRUD
 * side has: OCC, outbox backlog, audit lag and completeness, time to consistency (probes
 * as the experiment runs them), and what a command cost: CPU per process and database
 * requests per service, from the end of registration to the end of the load.
 */
export const runCrudStep = async (
  fleet: CrudFleet,
  options: CrudStepOptions,
  log: (line: string) => void,
): Promise<CrudStepResult> => {
  const sampler = new BacklogSampler(fleet.relays.map((relay) => relay.baseUrl));
  const services = new Map(
    [fleet.crud, ...fleet.relays, ...fleet.consumers].map((child) => [child.name, child.baseUrl]),
  );
  const before = await readCrudCounters(fleet.crud.baseUrl);
  let costStart:
    | Promise<{
        snapshot: Awaited<ReturnType<typeof takeCostSnapshot>>;
        counters: CrudCounters;
      }>
    | undefined;
  sampler.start();
  let registered!: () => void;
  const measuring = new Promise<void>((resolve) => (registered = resolve));
  const probeTarget = new HttpTarget(fleet.crud.baseUrl, { connections: 8 });
  // The probes start when the measured window does (after registering and warming up).
  const probes =
    options.probes > 0
      ? measuring
          .then(() => new Promise((resolve) => setTimeout(resolve, options.warmupSec * 1000)))
          .then(() =>
            probeConsistency({
              arch: 'crud',
              commands: probeTarget,
              reads: probeTarget,
              probes: options.probes,
              spreadMs: options.durationSec * 1000 * 0.8,
            }),
          )
      : undefined;
  try {
    const report = await runWriteBench(
      {
        target: 'crud',
        baseUrl: fleet.crud.baseUrl,
        rate: options.rate,
        durationSec: options.durationSec,
        warmupSec: options.warmupSec,
        players: options.players,
        scenario: options.scenario,
        ...(options.mix ? { mix: options.mix } : {}),
        distribution: options.distribution,
        connections: options.connections,
        processors: 0,
        partitions: options.partitions,
        seed: options.seed,
        keepTopics: true,
      },
      (line) => {
        log(line);
        if (line.startsWith('registered in')) {
          registered();
          costStart = Promise.all([
            takeCostSnapshot(fleet.pids, services),
            readCrudCounters(fleet.crud.baseUrl),
          ]).then(([snapshot, counters]) => ({ snapshot, counters }));
        }
      },
    );
    const costEnd = await takeCostSnapshot(fleet.pids, services);
    const countersEnd = await readCrudCounters(fleet.crud.baseUrl);
    const started = await costStart;
    const cost = started
      ? commandCost(started.snapshot, costEnd, decided(countersEnd) - decided(started.counters))
      : undefined;
    const probe = await probes;
    const to = new Date();
    const from = new Date(to.getTime() - options.durationSec * 1000);
    log('load done; waiting for the audit log to catch up');
    const drain =
      fleet.auditMode === 'outbox'
        ? await waitForAuditDrain(fleet.db, sampler, options.drainTimeoutSec * 1000)
        : { seconds: 0, drained: true };
    if (fleet.auditMode === 'dual-write') await new Promise((resolve) => setTimeout(resolve, 3000));
    const extras = await measureCrudExtras({
      db: fleet.db,
      crudUrl: fleet.crud.baseUrl,
      sampler,
      before,
      from,
      to,
      drain,
    });
    return {
      report,
      extras,
      ...(cost ? { cost } : {}),
      ...(probe ? { timeToConsistency: { ...probe.summary, errors: probe.errors } } : {}),
    };
  } finally {
    sampler.stop();
    await probeTarget.close();
  }
};

export const formatTimeToConsistency = (ttc: TimeToConsistency, probes: number): string =>
  `time to consistency (command answered -> event in GET /players/{id}/history, ${probes} probes, 5 ms polls):\n${formatTable(
    ['probes visible', 'timeouts', 'errors', 'p50 ms', 'p95 ms', 'p99 ms'],
    [[ttc.count, ttc.timeouts, ttc.errors, ttc.p50, ttc.p95, ttc.p99].map(String)],
  )}`;

export const formatCrudStep = (step: CrudStepResult, auditMode: string, probes: number): string =>
  [
    formatWriteBench(step.report),
    '',
    `CRUD side (${auditMode}):`,
    formatCrudExtras(step.extras),
    ...(step.cost ? ['', formatCommandCost(step.cost)] : []),
    ...(step.timeToConsistency
      ? ['', formatTimeToConsistency(step.timeToConsistency, probes)]
      : []),
  ].join('\n');
