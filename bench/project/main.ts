/**
 * Projection benchmark: one projector, from offset 0, over a pre-filled topic.
 *
 *   node -r ./tools/register.js bench/project/main.ts --events 200000
 *
 * Options: --events (200000), --players (10000), --partitions (12), --concurrency,
 * --chunk, --max-bytes-per-partition, --no-cache, --verify, --keep, --seed, --out <file>.
 * The table goes to stderr and the JSON to stdout (and to --out when given).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PROJECT_BENCH, formatProjectBench, runProjectBench } from './project.bench';

const main = async () => {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: String(DEFAULT_PROJECT_BENCH.events) },
      players: { type: 'string', default: String(DEFAULT_PROJECT_BENCH.players) },
      partitions: { type: 'string', default: String(DEFAULT_PROJECT_BENCH.partitions) },
      concurrency: { type: 'string' },
      chunk: { type: 'string' },
      'max-bytes-per-partition': { type: 'string' },
      'state-cache': { type: 'string', default: String(DEFAULT_PROJECT_BENCH.stateCacheSize) },
      seed: { type: 'string', default: String(DEFAULT_PROJECT_BENCH.seed) },
      'no-cache': { type: 'boolean', default: false },
      verify: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stderr.write(
      'usage: node -r ./tools/register.js bench/project/main.ts [--events 200000] [--players 10000] [--partitions 12]\n' +
        '       [--concurrency N] [--chunk N] [--max-bytes-per-partition N] [--no-cache] [--verify] [--keep] [--out file.json]\n',
    );
    return;
  }
  const int = (name: string, raw: string | undefined, min = 1): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} takes a whole number >= ${min}, got ${raw}`);
    return n;
  };
  const concurrency = int('concurrency', values.concurrency);
  const chunk = int('chunk', values.chunk);
  const maxBytes = int('max-bytes-per-partition', values['max-bytes-per-partition'], 1024);
  const report = await runProjectBench({
    events: int('events', values.events) ?? DEFAULT_PROJECT_BENCH.events,
    players: int('players', values.players) ?? DEFAULT_PROJECT_BENCH.players,
    partitions: int('partitions', values.partitions) ?? DEFAULT_PROJECT_BENCH.partitions,
    cache: !values['no-cache'],
    settings: {
      ...(concurrency ? { partitionsConsumedConcurrently: concurrency } : {}),
      ...(chunk ? { chunkSize: chunk } : {}),
      ...(maxBytes ? { maxBytesPerPartition: maxBytes } : {}),
    },
    stateCacheSize:
      int('state-cache', values['state-cache'], 0) ?? DEFAULT_PROJECT_BENCH.stateCacheSize,
    seed: int('seed', values.seed, 0) ?? DEFAULT_PROJECT_BENCH.seed,
    verify: values.verify,
    keep: values.keep,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const json = JSON.stringify(report, null, 2);
  process.stderr.write(`\n${formatProjectBench(report)}\n\n`);
  process.stdout.write(`${json}\n`);
  if (values.out) {
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, `${json}\n`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `project bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
