import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TXN_CEILING, formatTxnCeiling, runTxnCeilingBench } from '@qf/bench-write';
import { createInfraContext, infraUp } from '@qf/local-infra';
import { intInRange } from './parse-options';

interface TxnOptions {
  streams: number[];
  seconds: number;
  records: number;
  kafkajs: 'stock' | 'patched';
  partitionsPerTxn: number;
  out?: string;
}

const streamCounts = (value: string): number[] => {
  const counts = value.split(',').map((part) => Number(part.trim()));
  if (
    counts.length === 0 ||
    counts.some((count) => !Number.isInteger(count) || count < 1 || count > 64)
  )
    throw new InvalidArgumentError(
      `--streams takes a comma-separated list of integers from 1 to 64, got "${value}"`,
    );
  return counts;
};

/** `qf bench txn`: the Kafka transaction ceiling every write-path figure lives under. */
export const registerBenchTxnCommand = (bench: Command): void => {
  bench
    .command('txn')
    .description(
      "bare kafkajs transactions shaped like the command processor's, back to back: transactions/s, latency and broker CPU per transaction (the ceiling of the ES write path on this machine)",
    )
    .option('--streams <list>', 'concurrent transactional producers, one step each', streamCounts, [
      ...DEFAULT_TXN_CEILING.streams,
    ])
    .option(
      '--seconds <s>',
      'seconds per step',
      intInRange('--seconds', 1, 600),
      DEFAULT_TXN_CEILING.secondsPerStep,
    )
    .option(
      '--records <n>',
      'records per topic in each transaction',
      intInRange('--records', 1, 10_000),
      DEFAULT_TXN_CEILING.recordsPerTopic,
    )
    .option(
      '--kafkajs <stock|patched>',
      "stock kafkajs, or with the command processor's patches (coordinator cache, CONCURRENT_TRANSACTIONS asked again, fast record encoder)",
      (value: string) => {
        if (value !== 'stock' && value !== 'patched')
          throw new InvalidArgumentError(`--kafkajs takes stock or patched, got "${value}"`);
        return value;
      },
      'stock',
    )
    .option(
      '--partitions-per-txn <n>',
      'partitions of each topic one transaction writes to (--records to each): 1 is the per-partition shape, 12 a processor owning every partition',
      intInRange('--partitions-per-txn', 1, 12),
      1,
    )
    .option('--out <file>', 'write the JSON here (default reports/bench/txn-<time>.json)')
    .action(async (options: TxnOptions) => {
      await infraUp(createInfraContext(), { brokers: 1 });
      const report = await runTxnCeilingBench({
        streams: options.streams,
        secondsPerStep: options.seconds,
        recordsPerTopic: options.records,
        kafkajs: options.kafkajs,
        partitionsPerTransaction: options.partitionsPerTxn,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      const out =
        options.out ??
        path.join('reports', 'bench', `txn-${report.startedAt.replace(/[:.]/g, '-')}.json`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`\n${formatTxnCeiling(report)}\nJSON: ${out}\n`);
    });
};
