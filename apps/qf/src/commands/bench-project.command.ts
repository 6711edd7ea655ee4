import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_CONSISTENCY_BENCH,
  DEFAULT_PROJECT_BENCH,
  formatConsistencyBench,
  formatProjectBench,
  runConsistencyBench,
  runProjectBench,
} from '@qf/bench-project';
import { createInfraContext, infraUp } from '@qf/local-infra';
import { intInRange } from './parse-options';

interface ProjectOptions {
  events: number;
  players: number;
  partitions: number;
  rate: number;
  duration: number;
  probes: number;
  throughput: boolean;
  consistency: boolean;
  verify?: boolean;
  out?: string;
  concurrency?: number;
  chunk?: number;
  maxBytesPerPartition?: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `qf bench project`: (1) events/s one projector applies from a pre-filled topic, and
 * (2) time to consistency at a fixed command rate through the whole ES fleet.
 */
export const registerBenchProjectCommand = (bench: Command): void => {
  bench
    .command('project')
    .description(
      'events/s one projector applies from a pre-filled topic, and time to consistency (command → visible through the query API) at a fixed command rate',
    )
    .option(
      '--events <n>',
      'events pre-filled for the throughput part',
      intInRange('--events', 1000, 50_000_000),
      DEFAULT_PROJECT_BENCH.events,
    )
    .option(
      '--players <n>',
      'players the events are spread over',
      intInRange('--players', 1, 10_000_000),
      DEFAULT_PROJECT_BENCH.players,
    )
    .option(
      '--partitions <n>',
      'partitions of the per-run topics',
      intInRange('--partitions', 1, 1000),
      DEFAULT_PROJECT_BENCH.partitions,
    )
    .option(
      '--rate <n>',
      'commands/s during the consistency part',
      intInRange('--rate', 1, 100_000),
      DEFAULT_CONSISTENCY_BENCH.rate,
    )
    .option(
      '--duration <s>',
      'measured seconds of the consistency part',
      intInRange('--duration', 1, 3600),
      DEFAULT_CONSISTENCY_BENCH.durationSeconds,
    )
    .option(
      '--probes <n>',
      'consistency probes spread over the run',
      intInRange('--probes', 1, 100_000),
      DEFAULT_CONSISTENCY_BENCH.probes,
    )
    .option('--no-throughput', 'skip the projector throughput part')
    .option('--no-consistency', 'skip the time-to-consistency part')
    .option(
      '--verify',
      'compare every read-model document with a fold of the log after the throughput part',
    )
    .option(
      '--concurrency <n>',
      "partitions the throughput part's projector applies at once (default: the projector's)",
      intInRange('--concurrency', 1, 1000),
    )
    .option(
      '--chunk <n>',
      "most events per write round of the throughput part's projector (default: the projector's)",
      intInRange('--chunk', 1, 1_000_000),
    )
    .option(
      '--max-bytes-per-partition <bytes>',
      "fetch size per partition of the throughput part's projector (default: the projector's; the fleet of the consistency part follows QF_PROJECTOR_* instead)",
      intInRange('--max-bytes-per-partition', 1024, 1024 * 1024 * 1024),
    )
    .option('--out <file>', 'write the JSON here (default reports/bench/project-<time>.json)')
    .action(async (options: ProjectOptions) => {
      await infraUp(createInfraContext(), { brokers: 1 });
      const report: Record<string, unknown> = {};
      if (options.throughput) {
        const throughput = await runProjectBench({
          ...DEFAULT_PROJECT_BENCH,
          events: options.events,
          players: options.players,
          partitions: options.partitions,
          verify: options.verify ?? false,
          settings: {
            ...(options.concurrency !== undefined
              ? { partitionsConsumedConcurrently: options.concurrency }
              : {}),
            ...(options.chunk !== undefined ? { chunkSize: options.chunk } : {}),
            ...(options.maxBytesPerPartition !== undefined
              ? { maxBytesPerPartition: options.maxBytesPerPartition }
              : {}),
          },
          log,
        });
        process.stdout.write(`\n${formatProjectBench(throughput)}\n\n`);
        report['throughput'] = throughput;
      }
      if (options.consistency) {
        const consistency = await runConsistencyBench({
          ...DEFAULT_CONSISTENCY_BENCH,
          rate: options.rate,
          durationSeconds: options.duration,
          partitions: options.partitions,
          probes: options.probes,
          log,
        });
        process.stdout.write(`\n${formatConsistencyBench(consistency)}\n\n`);
        report['consistency'] = consistency;
      }
      const out =
        options.out ??
        path.join(
          'reports',
          'bench',
          `project-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
        );
      fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`JSON: ${out}\n`);
    });
};
