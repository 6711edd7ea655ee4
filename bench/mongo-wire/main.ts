/**
 * MongoDB-wire server benchmark (compatibility matrix + throughput).
 *
 *   node -r ./tools/register.js bench/mongo-wire/main.ts --url mongodb://127.0.0.1:27017 --label mongo-java-server-h2
 *
 * Options: --url (default $MONGO_URL or mongodb://127.0.0.1:27017), --label (required), --docs (10000),
 * --seconds per operation (5), --concurrency (8), --bulk-size (500), --compat-only, --op-timeout-ms (30000),
 * --out <file.json>.
 * The table goes to stderr and the JSON result to stdout (and to --out when given).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatMongoWireBench, runMongoWireBench } from './mongo-wire.bench';

const main = async () => {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env['MONGO_URL'] ?? 'mongodb://127.0.0.1:27017' },
      label: { type: 'string' },
      docs: { type: 'string', default: '10000' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '8' },
      'bulk-size': { type: 'string', default: '500' },
      'compat-only': { type: 'boolean', default: false },
      'op-timeout-ms': { type: 'string', default: '30000' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.label) {
    process.stderr.write(
      'usage: node -r ./tools/register.js bench/mongo-wire/main.ts --label <name> [--url mongodb://127.0.0.1:27017]\n' +
        '       [--docs 10000] [--seconds 5] [--concurrency 8] [--bulk-size 500] [--compat-only] [--op-timeout-ms 30000]\n' +
        '       [--out result.json]\n',
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`--${name} must be a positive number, got ${raw}`);
    return n;
  };
  const result = await runMongoWireBench({
    url: values.url,
    label: values.label,
    docs: Math.floor(positive('docs', values.docs)),
    seconds: positive('seconds', values.seconds),
    concurrency: Math.floor(positive('concurrency', values.concurrency)),
    bulkSize: Math.floor(positive('bulk-size', values['bulk-size'])),
    compatibilityOnly: values['compat-only'],
    opTimeoutMs: Math.floor(positive('op-timeout-ms', values['op-timeout-ms'])),
  });
  const json = JSON.stringify(result, null, 2);
  process.stderr.write(`\n${formatMongoWireBench(result)}\n\n`);
  process.stdout.write(`${json}\n`);
  if (values.out) {
    fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
    fs.writeFileSync(values.out, `${json}\n`);
  }
};

main().catch((error: unknown) => {
  process.stderr.write(
    `mongo-wire bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
