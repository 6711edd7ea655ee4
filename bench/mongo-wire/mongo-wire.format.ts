import type { MongoWireBenchResult } from './mongo-wire.types';

/** Plain-text table of a result (compatibility matrix + throughput). */
export const formatMongoWireBench = (result: MongoWireBenchResult): string => {
  const lines: string[] = [];
  const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
  lines.push(`# ${result.label}: ${result.server.name}`);
  lines.push(
    `machine: ${result.machine.cpus} cpus (${result.machine.cpuModel}), ${result.machine.totalMemoryGiB} GiB, load ${result.machine.loadAverage.join('/')}, ${result.machine.platform}, node ${result.machine.node}, driver ${result.machine.mongodbDriver}`,
  );
  const s = result.settings;
  lines.push(
    `settings: docs=${s.docs} seconds=${s.seconds} (+${s.warmupSeconds} warm-up) concurrency=${s.concurrency} bulkSize=${s.bulkSize} db=${s.database}`,
  );
  lines.push('');
  lines.push(
    `compatibility (required ${result.compatibilitySummary.requiredPassed}/${result.compatibilitySummary.requiredTotal} pass)`,
  );
  for (const c of result.compatibility) {
    lines.push(`  ${pad(c.status.toUpperCase(), 4)} ${pad(c.kind, 8)} ${c.id}`);
    lines.push(`         ${c.detail}`);
    if (c.error) lines.push(`         error: ${c.error}`);
  }
  if (result.throughput.length > 0) {
    lines.push('');
    lines.push(
      `${pad('operation', 30)} ${lpad('conc', 4)} ${lpad('ops/s', 10)} ${lpad('docs/s', 10)} ${lpad('p50 ms', 9)} ${lpad('p99 ms', 9)} ${lpad('skipped', 8)} ${lpad('errors', 7)}`,
    );
    for (const t of result.throughput) {
      lines.push(
        `${pad(t.id, 30)} ${lpad(String(t.concurrency), 4)} ${lpad(t.opsPerSecond.toFixed(1), 10)} ${lpad(t.docsPerSecond?.toFixed(0) ?? '', 10)} ${lpad(t.latencyMs.p50.toFixed(2), 9)} ${lpad(t.latencyMs.p99.toFixed(2), 9)} ${lpad(String(t.skipped ?? 0), 8)} ${lpad(String(t.errors), 7)}`,
      );
      if (t.hung)
        lines.push('    HUNG: an operation got no answer; later operations were not measured');
      if (t.firstError) lines.push(`    first error: ${t.firstError}`);
    }
  }
  return lines.join('\n');
};
