import type { Command } from 'commander';
import { registerBenchReplayCommand } from './bench-replay.command';
import { registerBenchProjectCommand } from './bench-project.command';
import { registerBenchTxnCommand } from './bench-txn.command';
import { registerBenchWriteCommand } from './bench-write.command';

/** `qf bench …`: benchmarks against the real local infrastructure (not tests: they print figures). */
export const registerBenchCommands = (program: Command): void => {
  const bench = program
    .command('bench')
    .description('benchmarks: open-loop load, HdrHistogram latencies, JSON + table');
  // Registration order is the order `qf bench --help` lists them in.
  registerBenchProjectCommand(bench);
  registerBenchWriteCommand(bench);
  registerBenchReplayCommand(bench);
  registerBenchTxnCommand(bench);
};
