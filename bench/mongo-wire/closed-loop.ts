import { performance } from 'node:perf_hooks';
import type { ThroughputResult } from './mongo-wire.types';
import { describeMongoError } from './wire-errors';

/** Nearest-rank percentile p (0–100) of ascending samples, to the microsecond; 0 when empty. */
export const percentile = (sorted: number[], p: number): number => {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 1000) / 1000;
};

/** value rounded to `digits` decimals. */
export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** One measured operation. */
export interface LoopSpec {
  readonly id: string;
  readonly description: string;
  /** Resolves to the number of writes skipped by the version guard (E11000), if any. */
  readonly op: (worker: number, seq: number) => Promise<number | void>;
  readonly docsPerOp?: number;
  readonly concurrency?: number;
}

/**
 * Closed loop: `concurrency` workers issue the operation back to back. Operations that complete during the
 * warm-up are not counted; operations that start before the end are awaited and counted, and the rate is
 * operations / (last completion - end of warm-up), so a slow operation (seconds per call) still gets a
 * rate instead of zero (slightly optimistic by at most `concurrency` operations).
 */
export const runLoop = async (
  spec: LoopSpec,
  settings: { seconds: number; warmupSeconds: number; concurrency: number; opTimeoutMs: number },
): Promise<ThroughputResult> => {
  const { seconds, warmupSeconds, opTimeoutMs } = settings;
  let hung = false;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const concurrency = spec.concurrency ?? settings.concurrency;
  const latencies: number[] = [];
  let operations = 0;
  let errors = 0;
  let skipped = 0;
  let lastCompletion = 0;
  let firstError: string | undefined;
  let seq = 0;
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;

  const withTimeout = async (w: number): Promise<number | void> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${opTimeoutMs} ms (server hung)`)),
        opTimeoutMs,
      );
    });
    try {
      return await Promise.race([spec.op(w, seq++), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  const worker = async (w: number) => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end || hung) return;
      try {
        const skips = await withTimeout(w);
        const t1 = performance.now();
        if (t1 >= warmupEnd) {
          operations++;
          skipped += skips ?? 0;
          latencies.push(t1 - t0);
          lastCompletion = Math.max(lastCompletion, t1);
        }
      } catch (error) {
        errors++;
        firstError ??= describeMongoError(error);
        if (error instanceof Error && error.message.includes('(server hung)')) {
          hung = true;
          stop();
          return;
        }
        if (errors > 100 && operations === 0) return; // the operation does not work at all
      }
    }
  };
  // A hung server leaves requests pending forever: stop waiting for the other workers then.
  await Promise.race([
    Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w))),
    stopped,
  ]);
  const elapsed = Math.max(0.001, (Math.max(lastCompletion, end) - warmupEnd) / 1000);
  latencies.sort((a, b) => a - b);
  const opsPerSecond = operations / elapsed;
  return {
    id: spec.id,
    description: spec.description,
    operations,
    seconds: round(elapsed, 2),
    opsPerSecond: round(opsPerSecond),
    ...(spec.docsPerOp ? { docsPerSecond: round(opsPerSecond * spec.docsPerOp) } : {}),
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
    errors,
    ...(skipped > 0 ? { skipped } : {}),
    concurrency,
    ...(hung ? { hung } : {}),
    ...(firstError === undefined ? {} : { firstError }),
  };
};
