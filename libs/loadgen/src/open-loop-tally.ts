import { LatencyRecorder } from './latency-recorder';

/** Requests by status (`200`, `503`, `error`: no response, `dropped`, `timeout`). */
export type StatusCounts = Record<string, number>;

/**
 * What the measurement phase of an open-loop run counted: every measured request ends here
 * once, answered (with a status, 0 for no response), dropped before it was sent, or timed
 * out after the drain. Warm-up requests never reach it.
 */
export class OpenLoopTally {
  /** Latency from each request's intended send time to its answer. */
  readonly recorder = new LatencyRecorder();
  readonly statuses: StatusCounts = {};
  readonly byLabel: Record<string, { count: number; statuses: StatusCounts }> = {};
  completed = 0;
  /** Answered 2xx. */
  ok = 0;
  /** Answered below 500: accepted or refused by the domain. */
  decided = 0;
  /** 5xx, no response, dropped or timed out. */
  failed = 0;
  dropped = 0;
  timedOut = 0;
  /** performance.now() of the last answer counted (0: none yet). */
  lastCompletion = 0;

  /** A request not sent because too many were in flight. */
  drop(label: string): void {
    this.dropped += 1;
    this.failed += 1;
    this.count(label, 'dropped');
  }

  /** An answer (status 0: the request failed without one), at answeredAt for a request due at intended. */
  answer(label: string, status: number, intended: number, answeredAt: number): void {
    this.completed += 1;
    this.lastCompletion = answeredAt;
    this.recorder.record(label, answeredAt - intended);
    this.count(label, status === 0 ? 'error' : String(status));
    if (status >= 200 && status < 300) this.ok += 1;
    if (status > 0 && status < 500) this.decided += 1;
    else this.failed += 1;
  }

  /** Requests still unanswered when the drain gave up. */
  timeOut(labels: readonly string[]): void {
    for (const label of labels) this.count(label, 'timeout');
    this.timedOut += labels.length;
    this.failed += labels.length;
  }

  private count(label: string, status: string): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    const entry = (this.byLabel[label] ??= { count: 0, statuses: {} });
    entry.count += 1;
    entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
  }
}
