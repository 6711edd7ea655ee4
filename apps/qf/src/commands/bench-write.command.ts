import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseMix, type KeyDistribution } from '@qf/loadgen';
import {
  DEFAULT_SEARCH,
  formatWriteBench,
  formatWriteCompare,
  formatWriteSearch,
  loadOptionsOf,
  runWriteBench,
  runWriteCompare,
  runWriteSearch,
  targetOptionsOf,
  type WriteBenchOptions,
} from '@qf/bench-write';
import { startCrudTarget } from '@qf/bench-write-crud';
import { collect, intInRange, serviceEnvOf } from './parse-options';

/** The flags of `qf bench write`, as commander parses them. */
export interface WriteOptions {
  target: string;
  baseUrl?: string;
  fleet?: boolean;
  topicPrefix?: string;
  search?: boolean;
  sloP95: string;
  maxErrorRate: string;
  startRate: number;
  maxRate: number;
  stepDuration: number;
  stepWarmup: number;
  coolDown: number;
  searchWarmup: number;
  rate: number;
  duration: number;
  warmup: number;
  players?: number;
  scenario: string;
  mix?: string;
  distribution: string;
  zipfExponent: string;
  connections: number;
  processors: number;
  partitions: number;
  seed: number;
  keepTopics?: boolean;
  profile?: string;
  out?: string;
  json?: boolean;
  env: string[];
  compareEnv: string[];
  pairs: number;
}

const distributionOf = (options: WriteOptions): KeyDistribution => {
  if (options.distribution === 'uniform') return { kind: 'uniform' };
  if (options.distribution === 'zipf') {
    const exponent = Number(options.zipfExponent);
    if (!(exponent > 0 && exponent <= 5))
      throw new InvalidArgumentError(
        `--zipf-exponent takes a number in (0, 5], got "${options.zipfExponent}"`,
      );
    return { kind: 'zipf', exponent };
  }
  throw new InvalidArgumentError(
    `--distribution takes uniform or zipf, got "${options.distribution}"`,
  );
};

const numberIn = (flag: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (!(text.trim() !== '' && value >= min && value <= max))
    throw new InvalidArgumentError(`${flag} takes a number from ${min} to ${max}, got "${text}"`);
  return value;
};

/** The bench's settings from the flags; a flag that names no valid value is refused here. */
export const writeBenchOptionsOf = (options: WriteOptions): WriteBenchOptions => {
  if (options.target !== 'es' && options.target !== 'crud')
    throw new InvalidArgumentError(`--target takes es or crud, got "${options.target}"`);
  if (options.fleet && options.baseUrl)
    throw new InvalidArgumentError('--fleet and --base-url name two targets: give one');
  return {
    target: options.target,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    ...(options.fleet ? { fleet: true } : {}),
    ...(options.topicPrefix !== undefined ? { topicPrefix: options.topicPrefix } : {}),
    rate: options.rate,
    durationSec: options.duration,
    warmupSec: options.warmup,
    players: options.players ?? (options.search ? 2000 : 10_000),
    scenario: options.scenario,
    ...(options.mix ? { mix: parseMix(options.mix) } : {}),
    distribution: distributionOf(options),
    connections: options.connections,
    processors: options.processors,
    partitions: options.partitions,
    seed: options.seed,
    keepTopics: options.keepTopics === true,
    serviceEnv: serviceEnvOf(options.env),
    ...(options.profile ? { profileDir: options.profile } : {}),
    // The CRUD fleet (relay and audit consumer included) and its probes.
    startCrud: startCrudTarget,
  };
};

/** `qf bench write --search`; Ctrl-C ends the current step and reports what was measured. */
const runSearch = async (bench: WriteBenchOptions, options: WriteOptions) => {
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await runWriteSearch(
      targetOptionsOf(bench),
      loadOptionsOf(bench),
      {
        ...DEFAULT_SEARCH,
        sloP95Ms: numberIn('--slo-p95', options.sloP95, 0.001, 600_000),
        maxErrorRate: numberIn('--max-error-rate', options.maxErrorRate, 0, 1),
        startRate: options.startRate,
        maxRate: Math.max(options.maxRate, options.startRate),
        stepDurationSec: options.stepDuration,
        stepWarmupSec: options.stepWarmup,
        coolDownSec: options.coolDown,
        initialWarmupSec: options.searchWarmup,
      },
      undefined,
      abort.signal,
    );
  } finally {
    process.off('SIGINT', onInterrupt);
  }
};

/** Where a report of `kind` goes unless --out names a file. */
const reportPath = (kind: string, target: string, startedAt: string): string =>
  path.join('reports', 'bench', `${kind}-${target}-${startedAt.replace(/[:.]/g, '-')}.json`);

const writeReport = (file: string, report: unknown): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
};

/** The A/B series' flags: only for a single-rate run on services the bench starts. */
export const compareOptionsOf = (options: WriteOptions) => {
  const compareEnv = serviceEnvOf(options.compareEnv, '--compare-env');
  if (Object.keys(compareEnv).length === 0) return undefined;
  if (options.search)
    throw new InvalidArgumentError('--compare-env runs one rate: give --rate, not --search');
  if (options.fleet || options.baseUrl)
    throw new InvalidArgumentError(
      '--compare-env starts the services with each setting: it cannot drive --fleet or --base-url',
    );
  return { compareEnv, pairs: options.pairs };
};

/** `qf bench write --compare-env …`: A/B in alternating pairs; every run's JSON is kept too. */
const runCompare = async (
  bench: WriteBenchOptions,
  compare: NonNullable<ReturnType<typeof compareOptionsOf>>,
  options: WriteOptions,
): Promise<void> => {
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const report = await runWriteCompare(bench, {
      ...compare,
      signal: abort.signal,
      saveRun: (run) => {
        const file = reportPath('write', options.target, run.startedAt);
        writeReport(file, run);
        return file;
      },
    });
    const out = options.out ?? reportPath('write-compare', options.target, report.startedAt);
    writeReport(out, report);
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `${formatWriteCompare(report)}\nJSON: ${out}\n`,
    );
  } finally {
    process.off('SIGINT', onInterrupt);
  }
};

/** Runs the bench (or the search, or the A/B series), writes the JSON report and prints the table or the JSON. */
const runBenchWrite = async (options: WriteOptions): Promise<void> => {
  const bench = writeBenchOptionsOf(options);
  const compare = compareOptionsOf(options);
  if (compare) return runCompare(bench, compare, options);
  const report = options.search ? await runSearch(bench, options) : await runWriteBench(bench);
  const kind = options.search ? 'write-search' : 'write';
  const out = options.out ?? reportPath(kind, options.target, report.startedAt);
  writeReport(out, report);
  const text = 'steps' in report ? formatWriteSearch(report) : formatWriteBench(report);
  process.stdout.write(
    options.json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\nJSON: ${out}\n`,
  );
};

/** What is driven: a service started here, one already running, or a `qf fleet up` fleet. */
const withTargetOptions = (command: Command): Command =>
  command
    .option(
      '--target <es|crud>',
      'es: command gateway + processors (started here unless --base-url); crud: the CRUD service',
      'es',
    )
    .option('--base-url <url>', 'drive an already running service instead of starting one')
    .option(
      '--fleet',
      'drive the fleet started with `qf fleet up` (same QF_FLEET_ID): every replica of the command front, CPU of every replica, projector time lag (es)',
    )
    .option('--topic-prefix <prefix>', 'topic prefix of that fleet (default: QF_TOPIC_PREFIX)');

/** The rate search: its SLO and the steps it takes. */
const withSearchOptions = (command: Command): Command =>
  command
    .option(
      '--search',
      'find the highest rate whose p95 stays within --slo-p95: double from --start-rate until a step fails, then bisect to 5 %',
    )
    .option('--slo-p95 <ms>', 'search: the p95 a step must hold', String(DEFAULT_SEARCH.sloP95Ms))
    .option(
      '--max-error-rate <share>',
      'search: the share of failed requests (5xx, shed, timed out) a step may have',
      String(DEFAULT_SEARCH.maxErrorRate),
    )
    .option(
      '--start-rate <n>',
      'search: the first step',
      intInRange('--start-rate', 1, 1_000_000),
      DEFAULT_SEARCH.startRate,
    )
    .option(
      '--max-rate <n>',
      'search: the highest step',
      intInRange('--max-rate', 1, 1_000_000),
      DEFAULT_SEARCH.maxRate,
    )
    .option(
      '--step-duration <s>',
      'search: measured seconds per step',
      intInRange('--step-duration', 1, 3600),
      DEFAULT_SEARCH.stepDurationSec,
    )
    .option(
      '--step-warmup <s>',
      'search: warm-up seconds per step',
      intInRange('--step-warmup', 0, 3600),
      DEFAULT_SEARCH.stepWarmupSec,
    )
    .option(
      '--cool-down <s>',
      'search: pause between steps (then consumers catch up)',
      intInRange('--cool-down', 0, 3600),
      DEFAULT_SEARCH.coolDownSec,
    )
    .option(
      '--search-warmup <s>',
      'search: seconds at --start-rate before the first step, not judged (a target just started is slower for its first minute)',
      intInRange('--search-warmup', 0, 3600),
      DEFAULT_SEARCH.initialWarmupSec,
    );

/** The load: rate, length, players, operation mix and key distribution. */
const withLoadOptions = (command: Command): Command =>
  command
    .option(
      '--rate <n>',
      'intended commands per second (constant arrival rate)',
      intInRange('--rate', 1, 1_000_000),
      3000,
    )
    .option('--duration <s>', 'measured seconds', intInRange('--duration', 1, 86_400), 60)
    .option(
      '--warmup <s>',
      'seconds at the same rate before measuring',
      intInRange('--warmup', 0, 3600),
      10,
    )
    .option(
      '--players <n>',
      'players registered before the run (default 10000; 2000 with --search)',
      intInRange('--players', 1, 10_000_000),
    )
    .option('--scenario <name>', 'operation mix: write-heavy or read-heavy', 'write-heavy')
    .option('--mix <weights>', 'override the mix, e.g. move=30,pick-up=20,take-damage=10')
    .option('--distribution <uniform|zipf>', 'how players are picked (zipf: hot keys)', 'uniform')
    .option('--zipf-exponent <s>', 'Zipf exponent for --distribution zipf', '1.0')
    .option(
      '--connections <n>',
      'HTTP keep-alive connections of the load generator',
      intInRange('--connections', 1, 10_000),
      1024,
    );

/** The services started for the run, and where the report goes. */
const withRunOptions = (command: Command): Command =>
  command
    .option(
      '--processors <n>',
      'command processors to start (es target)',
      intInRange('--processors', 1, 64),
      1,
    )
    .option(
      '--partitions <n>',
      'partitions of the per-run write-path topics (es target)',
      intInRange('--partitions', 1, 1000),
      12,
    )
    .option(
      '--seed <n>',
      'seed of the operation and player choice',
      intInRange('--seed', 0, 2 ** 31),
      42,
    )
    .option(
      '--env <NAME=VALUE>',
      'extra environment for the started services (repeatable)',
      collect,
      [],
    )
    .option(
      '--compare-env <NAME=VALUE>',
      'A/B: run --pairs alternating pairs, A with --env only and B with these settings added (repeatable); prints medians and B − A per pair',
      collect,
      [],
    )
    .option(
      '--pairs <n>',
      'with --compare-env: how many A/B pairs (run in the order A B, B A, A B …)',
      intInRange('--pairs', 1, 50),
      3,
    )
    .option('--keep-topics', 'keep the per-run topics (default: deleted at the end)')
    .option(
      '--profile <dir>',
      'crud target: write a V8 CPU profile of every started service into dir (node --cpu-prof)',
    )
    .option(
      '--out <file>',
      'write the JSON here (default reports/bench/write-<target>-<time>.json)',
    )
    .option('--json', 'print the JSON on stdout instead of the table');

/** `qf bench write`: open-loop load on the command API at a constant rate, or a rate search. */
export const registerBenchWriteCommand = (bench: Command): void => {
  const write = bench
    .command('write')
    .description(
      'drive the command API open loop at a constant rate; print commands/s achieved and p50/p95/p99 decision latency',
    );
  withRunOptions(withLoadOptions(withSearchOptions(withTargetOptions(write)))).action(
    runBenchWrite,
  );
};
