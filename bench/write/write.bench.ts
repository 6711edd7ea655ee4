import {
  machineInfo,
  type KeyDistribution,
  type MachineInfo,
  type OperationMix,
} from '@qf/loadgen';
import { measureWriteStep, type WriteStepResult } from './write-step';
import { prepareRun } from './write-run';
import type { TargetOptions } from './write-target';

/** `qf bench write` settings. */
export interface WriteBenchOptions {
  /** es: command gateway + processors; crud: the CRUD service (same API). */
  readonly target: 'es' | 'crud';
  /** Drive an already running service at this URL instead of starting one. */
  readonly baseUrl?: string;
  /** Drive the running `qf fleet` (same QF_FLEET_ID) instead of starting services. */
  readonly fleet?: boolean;
  /** The topic prefix of that fleet (default: QF_TOPIC_PREFIX). */
  readonly topicPrefix?: string;
  readonly rate: number;
  readonly durationSec: number;
  readonly warmupSec: number;
  readonly players: number;
  readonly scenario: string;
  readonly mix?: OperationMix;
  readonly distribution: KeyDistribution;
  readonly connections: number;
  /** Processors started for the es target. */
  readonly processors: number;
  /** QF_PARTITIONS of the topics the started services create. */
  readonly partitions: number;
  readonly seed: number;
  /** Keep the per-run topics (es target) instead of deleting them at the end. */
  readonly keepTopics: boolean;
  /** Where the JSON goes (default reports/bench/write-<target>-<time>.json). */
  readonly out?: string;
  /** Extra environment for the services started (QF_GATEWAY_LINGER_MS, …). */
  readonly serviceEnv?: Readonly<Record<string, string>>;
  /** Write a V8 CPU profile of every service started into this directory (crud target). */
  readonly profileDir?: string;
  /** Starts the crud target (see TargetOptions.startCrud). */
  readonly startCrud?: TargetOptions['startCrud'];
}

/** What the run printed, as JSON. */
export interface WriteBenchReport {
  readonly benchmark: 'write';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly backend: Readonly<Record<string, string>>;
  readonly settings: Record<string, unknown>;
  readonly result: WriteStepResult['result'];
  /** CPU seconds each process used during the measured phase. */
  readonly cpuSeconds: Readonly<Record<string, number>>;
  /** CPU milliseconds per completed command, by role. */
  readonly cpuMsPerCommand: Readonly<Record<string, number>>;
  /** The share of each role's CPU spent in the kernel. */
  readonly systemShare: Readonly<Record<string, number>>;
  /** The target's probes (records per command, commands per transaction, lag …). */
  readonly figures: WriteStepResult['figures'];
}

export const targetOptionsOf = (options: WriteBenchOptions) => ({
  target: options.target,
  ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  ...(options.fleet ? { fleet: true } : {}),
  ...(options.topicPrefix !== undefined ? { topicPrefix: options.topicPrefix } : {}),
  processors: options.processors,
  partitions: options.partitions,
  keepTopics: options.keepTopics,
  ...(options.serviceEnv ? { serviceEnv: options.serviceEnv } : {}),
  ...(options.profileDir ? { profileDir: options.profileDir } : {}),
  ...(options.startCrud ? { startCrud: options.startCrud } : {}),
});

export const loadOptionsOf = (options: WriteBenchOptions) => ({
  players: options.players,
  scenario: options.scenario,
  ...(options.mix ? { mix: options.mix } : {}),
  distribution: options.distribution,
  connections: options.connections,
  seed: options.seed,
});

/**
 * The write benchmark: registers a pool of players, then drives the command API open loop
 * at a constant rate and reports the achieved rate and latency percentiles (HdrHistogram,
 * from each request's intended send time), the CPU of every process per command, and the
 * target's figures, with the machine and the settings.
 */
export const runWriteBench = async (
  options: WriteBenchOptions,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<WriteBenchReport> => {
  const startedAt = new Date().toISOString();
  const run = await prepareRun(targetOptionsOf(options), loadOptionsOf(options), log);
  try {
    log(
      `open loop at ${options.rate}/s for ${options.warmupSec}s warm-up + ${options.durationSec}s`,
    );
    const step = await measureWriteStep({
      rate: options.rate,
      durationSec: options.durationSec,
      warmupSec: options.warmupSec,
      next: () => run.driver.next(),
      processes: run.target.processes,
      probes: run.target.probes,
      log: (line) => log(line.trimStart()),
    });
    return {
      benchmark: 'write',
      startedAt,
      machine: machineInfo(),
      backend: { target: run.target.kind, node: process.version, ...run.target.backend },
      settings: {
        rate: options.rate,
        durationSec: options.durationSec,
        warmupSec: options.warmupSec,
        players: options.players,
        scenario: run.scenario.name,
        mix: run.scenario.mix,
        distribution: options.distribution,
        connections: options.connections,
        seed: options.seed,
        ...run.target.settings,
      },
      result: step.result,
      cpuSeconds: step.cpuSeconds,
      cpuMsPerCommand: step.cpuMsPerCommand,
      systemShare: step.systemShare,
      figures: step.figures,
    };
  } finally {
    log('stopping what this run started');
    await run.close();
  }
};

export { formatWriteBench, formatWriteSearch } from './write-format';
export {
  compareOrder,
  formatWriteCompare,
  runWriteCompare,
  summarizeComparison,
  type CompareRun,
  type WriteCompareReport,
} from './write-compare';
export {
  DEFAULT_SEARCH,
  judgeStep,
  runWriteSearch,
  type SearchOptions,
  type SearchStep,
  type WriteSearchReport,
} from './write-search';
export type { StepProbe, StepWindow } from './step-probe';
export {
  measured,
  roleOf,
  type MeasuredProcess,
  type TargetOptions,
  type WriteTarget,
} from './write-target';
export {
  formatTxnCeiling,
  runTxnCeilingBench,
  DEFAULT_TXN_CEILING,
  type TxnCeilingReport,
} from './txn-ceiling.bench';
export { cpuSecondsOf } from './process-cpu';
