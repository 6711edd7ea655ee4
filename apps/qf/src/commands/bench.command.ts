import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseMix, type KeyDistribution } from '@qf/loadgen';
import { formatWriteBench, runWriteBench } from '@qf/bench-write';
import { registerBenchReplayCommand } from './bench-replay.command';
import { registerBenchProjectCommand } from './bench-project.command';
import { registerBenchTxnCommand } from './bench-txn.command';
import { intInRange } from './parse-options';

interface WriteOptions {
  target: string;
  baseUrl?: string;
  rate: number;
  duration: number;
  warmup: number;
  players: number;
  scenario: string;
  mix?: string;
  distribution: string;
  zipfExponent: string;
  connections: number;
  processors: number;
  partitions: number;
  seed: number;
  keepTopics?: boolean;
  out?: string;
  json?: boolean;
  env: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

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

const serviceEnvOf = (pairs: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    pairs.map((pair) => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new InvalidArgumentError(`--env takes NAME=VALUE, got "${pair}"`);
      return [match[1] as string, match[2] as string];
    }),
  );

/** `qf bench …`: benchmarks against the real local infrastructure (not tests: they print figures). */
export const registerBenchCommands = (program: Command): void => {
  const bench = program
    .command('bench')
    .description('benchmarks: open-loop load, HdrHistogram latencies, JSON + table');
  registerBenchProjectCommand(bench);

  bench
    .command('write')
    .description(
      'drive the command API open loop at a constant rate; print commands/s achieved and p50/p95/p99 decision latency',
    )
    .option(
      '--target <es|crud>',
      'es: command gateway + processors (started here unless --base-url); crud: the CRUD service',
      'es',
    )
    .option('--base-url <url>', 'drive an already running service instead of starting one')
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
      'players registered before the run',
      intInRange('--players', 1, 10_000_000),
      10_000,
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
    )
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
    .option('--keep-topics', 'keep the per-run topics (default: deleted at the end)')
    .option(
      '--out <file>',
      'write the JSON here (default reports/bench/write-<target>-<time>.json)',
    )
    .option('--json', 'print the JSON on stdout instead of the table')
    .action(async (options: WriteOptions) => {
      if (options.target !== 'es' && options.target !== 'crud')
        throw new InvalidArgumentError(`--target takes es or crud, got "${options.target}"`);
      const report = await runWriteBench({
        target: options.target,
        ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
        rate: options.rate,
        durationSec: options.duration,
        warmupSec: options.warmup,
        players: options.players,
        scenario: options.scenario,
        ...(options.mix ? { mix: parseMix(options.mix) } : {}),
        distribution: distributionOf(options),
        connections: options.connections,
        processors: options.processors,
        partitions: options.partitions,
        seed: options.seed,
        keepTopics: options.keepTopics === true,
        serviceEnv: serviceEnvOf(options.env),
      });
      const out =
        options.out ??
        path.join(
          'reports',
          'bench',
          `write-${options.target}-${report.startedAt.replace(/[:.]/g, '-')}.json`,
        );
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `${formatWriteBench(report)}\nJSON: ${out}\n`,
      );
    });
  registerBenchReplayCommand(bench);
  registerBenchTxnCommand(bench);
};
