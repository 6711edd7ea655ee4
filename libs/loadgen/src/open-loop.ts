import { performance } from 'node:perf_hooks';
import type { LatencySummary } from './latency-recorder';
import { OpenLoopTally } from './open-loop-tally';

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

/** One run's schedule, requests in flight and progress lines; the counting is the tally's. */
class OpenLoopRun {
  private readonly tally = new OpenLoopTally();
  private readonly warmupMs: number;
  private readonly maxInFlight: number;
  private readonly progressEveryMs: number;
  private readonly intervalMs: number;
  private readonly warmupCount: number;
  private readonly total: number;
  /** Requests not answered yet, with their label when they count (measurement phase). */
  private readonly pending = new Map<Promise<void>, string | undefined>();
  private sent = 0;
  private completed = 0;
  private inFlight = 0;
  private errorsSinceStart = 0;
  /** Requests scheduled so far (warm-up included). */
  private index = 0;
  private finished = false;
  private lastProgressAt: number;
  private completedAtLastProgress = 0;
  private readonly start: number;
  private readonly measureStart: number;

  constructor(private readonly options: OpenLoopOptions) {
    const { rate, durationMs } = options;
    this.warmupMs = options.warmupMs ?? 0;
    this.maxInFlight = options.maxInFlight ?? 50_000;
    this.progressEveryMs = options.progressEveryMs ?? 5000;
    this.intervalMs = 1000 / rate;
    this.warmupCount = Math.floor((this.warmupMs / 1000) * rate);
    this.total = this.warmupCount + Math.floor((durationMs / 1000) * rate);
    this.start = performance.now();
    this.measureStart = this.start + this.warmupCount * this.intervalMs;
    this.lastProgressAt = this.start;
  }

  /** Sends every request at its intended time until the schedule ends or the run is aborted. */
  async schedule(): Promise<void> {
    const { start, intervalMs, total, warmupCount } = this;
    let measureStarted = false;
    while (this.index < total && !this.options.signal?.aborted) {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      while (this.index < due) {
        if (this.index === warmupCount && !measureStarted) {
          measureStarted = true;
          this.options.onMeasureStart?.();
        }
        this.launch(this.index, start + this.index * intervalMs);
        this.index += 1;
      }
      this.progress(this.index < warmupCount ? 'warmup' : 'measure', now);
      if (this.index >= total) break;
      // Timers fire late by a millisecond or so; whatever fell due meanwhile is sent on waking.
      await sleep(Math.max(0, start + this.index * intervalMs - performance.now()));
    }
  }

  /** Waits for the answers still due, up to the drain timeout; what stays unanswered timed out. */
  async drain(): Promise<void> {
    const drainDeadline = performance.now() + (this.options.drainTimeoutMs ?? 30_000);
    while (this.pending.size > 0 && performance.now() < drainDeadline) {
      await Promise.race([
        Promise.all([...this.pending.keys()]),
        sleep(Math.min(this.progressEveryMs, 1000)),
      ]);
      this.progress('drain', performance.now());
    }
    // Answers that come after the drain no longer change the result.
    this.finished = true;
    this.tally.timeOut(
      [...this.pending.values()].filter((label): label is string => label !== undefined),
    );
  }

  result(): OpenLoopResult {
    const { tally } = this;
    // An aborted run counts only what it scheduled.
    const scheduled = Math.max(0, this.index - this.warmupCount);
    const measuredSeconds =
      Math.max((tally.lastCompletion || performance.now()) - this.measureStart, 1) / 1000;
    return {
      intendedRate: this.options.rate,
      measuredSeconds,
      scheduled,
      completed: tally.completed,
      ok: tally.ok,
      decided: tally.decided,
      failed: tally.failed,
      dropped: tally.dropped,
      timedOut: tally.timedOut,
      achievedRate: tally.completed / measuredSeconds,
      decidedRate: tally.decided / measuredSeconds,
      statuses: tally.statuses,
      byLabel: tally.byLabel,
      latency: tally.recorder.overall(),
      latencyByLabel: tally.recorder.perLabel(),
    };
  }

  private launch(index: number, intended: number): void {
    const measured = index >= this.warmupCount;
    const operation = this.options.next();
    if (this.inFlight >= this.maxInFlight) {
      if (measured) this.tally.drop(operation.label);
      return;
    }
    this.inFlight += 1;
    this.sent += 1;
    const done = operation
      .run()
      .catch(() => 0)
      .then((status) => {
        if (this.finished) return;
        this.inFlight -= 1;
        this.completed += 1;
        if (status === 0 || status >= 500) this.errorsSinceStart += 1;
        if (measured) this.tally.answer(operation.label, status, intended, performance.now());
      });
    this.pending.set(done, measured ? operation.label : undefined);
    void done.finally(() => this.pending.delete(done));
  }

  private progress(phase: Progress['phase'], now: number): void {
    const { onProgress } = this.options;
    if (!onProgress || now - this.lastProgressAt < this.progressEveryMs) return;
    const elapsedSec = (now - this.start) / 1000;
    const totalSec = (this.warmupMs + this.options.durationMs) / 1000;
    onProgress({
      phase,
      elapsedSec,
      totalSec,
      etaSec: Math.max(0, totalSec - elapsedSec),
      sent: this.sent,
      completed: this.completed,
      inFlight: this.inFlight,
      rate: ((this.completed - this.completedAtLastProgress) * 1000) / (now - this.lastProgressAt),
      window: this.tally.recorder.takeWindow(),
      errors: this.errorsSinceStart,
    });
    this.lastProgressAt = now;
    this.completedAtLastProgress = this.completed;
  }
}

/**
 * Runs operations open loop: request i is due at start + i / rate and is sent then, however
 * many earlier ones are still waiting, and its latency is measured from that intended
 * time. A slow system therefore shows up as latency and backlog, never as a politely
 * reduced request rate (coordinated omission).
 */
export const runOpenLoop = async (options: OpenLoopOptions): Promise<OpenLoopResult> => {
  if (!(options.rate > 0)) throw new Error('rate must be positive');
  const run = new OpenLoopRun(options);
  await run.schedule();
  await run.drain();
  return run.result();
};
