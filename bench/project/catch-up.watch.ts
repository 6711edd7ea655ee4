/** No committed progress for this long ends a run with an error instead of waiting forever. */
export const DEFAULT_STALL_SECONDS = 60;

export interface CatchUpWatch {
  /** Events committed so far (summed over partitions). */
  readonly committed: () => Promise<number>;
  readonly total: number;
  /** performance.now() when the projector started. */
  readonly start: number;
  readonly stallSeconds: number;
  /** The projector's last error, if it is failing. */
  readonly failure: () => string | undefined;
  readonly say: (line: string) => void;
  readonly pollMs?: number;
  readonly reportEveryMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a projector's committed offsets until they cover the whole log, printing a line
 * with the rate and ETA every few seconds. A projector that commits nothing for
 * stallSeconds (the database went away, say: it then retries with backoff forever) fails
 * the run with the projector's last error.
 */
export const untilCaughtUp = async (watch: CatchUpWatch): Promise<void> => {
  const pollMs = watch.pollMs ?? 250;
  const reportEveryMs = watch.reportEveryMs ?? 3000;
  let last = 0;
  let movedAt = performance.now();
  let saidAt = 0;
  for (;;) {
    const done = await watch.committed();
    const now = performance.now();
    if (done >= watch.total) return;
    if (done > last) movedAt = now;
    last = done;
    if (now - movedAt > watch.stallSeconds * 1000) {
      const cause = watch.failure();
      throw new Error(
        `the projector committed nothing for ${watch.stallSeconds} s (${done} / ${watch.total} events)` +
          (cause
            ? `; its last error: ${cause}`
            : '; is the Mongo-wire server still up? (npx qf infra status)'),
      );
    }
    if (now - saidAt >= reportEveryMs) {
      saidAt = now;
      const rate = done / ((now - watch.start) / 1000);
      const eta = rate > 0 ? `, ETA ${Math.ceil((watch.total - done) / rate)} s` : '';
      watch.say(`  ${done} / ${watch.total} committed, ${Math.round(rate)} events/s so far${eta}`);
    }
    await sleep(pollMs);
  }
};
