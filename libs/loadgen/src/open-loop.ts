import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary } from './latency-recorder';

/** One request of a load run; resolves with the HTTP status (0: no response). */
export interface Operation {
  readonly label: string;
  run(): Promise<number>;
}

/** A progress line's figures. */
export interface Progress {
  readonly phase: 'warmup' | 'measure' | 'drain';
  readonly elapsedSec: number;
  readonly totalSec: number;
  readonly etaSec: number;
  readonly sent: number;
  readonly completed: number;
  readonly inFlight: number;
  /** Completions per second since the previous progress line. */
  readonly rate: number;
  readonly window: LatencySummary;
  readonly errors: number;
}

export interface OpenLoopOptions {
  /** Arrivals per second, at fixed intended times whatever the responses do. */
  readonly rate: number;
  readonly durationMs: number;
  /** Sent at the same rate before the measurement, not recorded (JIT, connections, caches). */
  readonly warmupMs?: number;
  /** Requests still unanswered this long after the schedule ends count as timed out. */
  readonly drainTimeoutMs?: number;
  /** Safety valve: past this many requests in flight new ones are not sent and count as dropped. */
  readonly maxInFlight?: number;
  readonly next: () => Operation;
  readonly progressEveryMs?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Called once, when the first measured request is due (e.g. to open a resource-sampling window). */
  readonly onMeasureStart?: () => void;
  /** Stops scheduling (Ctrl-C); what was sent is still drained and counted. */
  readonly signal?: AbortSignal;
}

/** What an open-loop run measured (measurement phase only). */
export interface OpenLoopResult {
  readonly intendedRate: number;
  readonly measuredSeconds: number;
  /** Requests scheduled in the measurement phase. */
  readonly scheduled: number;
  readonly completed: number;
  /** Answered 2xx. */
  readonly ok: number;
  /** Answered with a decision (any status below 500: accepted or refused by the domain). */
  readonly decided: number;
  /** 5xx, no response, dropped or timed out. */
  readonly failed: number;
  readonly dropped: number;
  readonly timedOut: number;
  /** Completions of measured requests per second, over the time they took to complete. */
  readonly achievedRate: number;
  /** Decided (non-5xx) completions per second. */
  readonly decidedRate: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly byLabel: Readonly<Record<string, { count: number; statuses: Record<string, number> }>>;
  /** Latency from each request's intended send time to its response (no coordinated omission). */
  readonly latency: LatencySummary;
  readonly latencyByLabel: Readonly<Record<string, LatencySummary>>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs operations open loop: request i is due at start + i / rate and is sent then, however
 * many earlier ones are still waiting, and its latency is measured from that intended
 * time. A slow system therefore shows up as latency and backlog, never as a politely
 * reduced request rate (coordinated omission).
 */
export const runOpenLoop = async (options: OpenLoopOptions): Promise<OpenLoopResult> => {
  const { rate, durationMs, next } = options;
  if (!(rate > 0)) throw new Error('rate must be positive');
  const warmupMs = options.warmupMs ?? 0;
  const maxInFlight = options.maxInFlight ?? 50_000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const progressEveryMs = options.progressEveryMs ?? 5000;
  const intervalMs = 1000 / rate;
  const warmupCount = Math.floor((warmupMs / 1000) * rate);
  const total = warmupCount + Math.floor((durationMs / 1000) * rate);

  const recorder = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const byLabel: Record<string, { count: number; statuses: Record<string, number> }> = {};
  let sent = 0;
  let completed = 0;
  let measuredCompleted = 0;
  let ok = 0;
  let decided = 0;
  let failed = 0;
  let dropped = 0;
  let errorsSinceStart = 0;
  let inFlight = 0;
  let lastMeasuredCompletion = 0;
  /** Requests not answered yet, with their label when they count (measurement phase). */
  const pending = new Map<Promise<void>, string | undefined>();
  let finished = false;

  const start = performance.now();
  const measureStart = start + warmupCount * intervalMs;
  const count = (label: string, status: string) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    const entry = (byLabel[label] ??= { count: 0, statuses: {} });
    entry.count += 1;
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  };
  const classify = (status: number) => (status === 0 ? 'error' : String(status));

  const launch = (index: number, intended: number) => {
    const measured = index >= warmupCount;
    const operation = next();
    if (inFlight >= maxInFlight) {
      if (measured) {
        dropped += 1;
        failed += 1;
        count(operation.label, 'dropped');
      }
      return;
    }
    inFlight += 1;
    sent += 1;
    const done = operation
      .run()
      .catch(() => 0)
      .then((status) => {
        if (finished) return;
        inFlight -= 1;
        completed += 1;
        const answeredAt = performance.now();
        if (status === 0 || status >= 500) errorsSinceStart += 1;
        if (!measured) return;
        measuredCompleted += 1;
        lastMeasuredCompletion = answeredAt;
        recorder.record(operation.label, answeredAt - intended);
        count(operation.label, classify(status));
        if (status >= 200 && status < 300) ok += 1;
        if (status > 0 && status < 500) decided += 1;
        else failed += 1;
      });
    pending.set(done, measured ? operation.label : undefined);
    void done.finally(() => pending.delete(done));
  };

  let lastProgressAt = start;
  let completedAtLastProgress = 0;
  const progress = (phase: Progress['phase'], now: number) => {
    if (!options.onProgress || now - lastProgressAt < progressEveryMs) return;
    const elapsedSec = (now - start) / 1000;
    const totalSec = (warmupMs + durationMs) / 1000;
    options.onProgress({
      phase,
      elapsedSec,
      totalSec,
      etaSec: Math.max(0, totalSec - elapsedSec),
      sent,
      completed,
      inFlight,
      rate: ((completed - completedAtLastProgress) * 1000) / (now - lastProgressAt),
      window: recorder.takeWindow(),
      errors: errorsSinceStart,
    });
    lastProgressAt = now;
    completedAtLastProgress = completed;
  };

  let index = 0;
  let measureStarted = false;
  while (index < total && !options.signal?.aborted) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    while (index < due) {
      if (index === warmupCount && !measureStarted) {
        measureStarted = true;
        options.onMeasureStart?.();
      }
      launch(index, start + index * intervalMs);
      index += 1;
    }
    progress(index < warmupCount ? 'warmup' : 'measure', now);
    if (index >= total) break;
    // Timers fire late by a millisecond or so; whatever fell due meanwhile is sent on waking.
    await sleep(Math.max(0, start + index * intervalMs - performance.now()));
  }

  const drainDeadline = performance.now() + drainTimeoutMs;
  while (pending.size > 0 && performance.now() < drainDeadline) {
    await Promise.race([Promise.all([...pending.keys()]), sleep(Math.min(progressEveryMs, 1000))]);
    progress('drain', performance.now());
  }
  // Answers that come after the drain no longer change the result.
  finished = true;
  const unanswered = [...pending.values()].filter((label): label is string => label !== undefined);
  for (const label of unanswered) count(label, 'timeout');
  const timedOut = unanswered.length;
  failed += timedOut;

  // An aborted run counts only what it scheduled.
  const scheduled = Math.max(0, index - warmupCount);
  const measuredSeconds =
    Math.max((lastMeasuredCompletion || performance.now()) - measureStart, 1) / 1000;
  return {
    intendedRate: rate,
    measuredSeconds,
    scheduled,
    completed: measuredCompleted,
    ok,
    decided,
    failed,
    dropped,
    timedOut,
    achievedRate: measuredCompleted / measuredSeconds,
    decidedRate: decided / measuredSeconds,
    statuses,
    byLabel,
    latency: recorder.overall(),
    latencyByLabel: recorder.perLabel(),
  };
};
