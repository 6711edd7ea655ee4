import type { FastifyReply } from 'fastify';
import { ApiError } from '@qf/contracts';
import { sendProblem } from '@qf/shared-observability/http';

/** One request's time limit; `finish()` tells whether its answer may still be sent. */
export class HandlerDeadline {
  expired = false;

  constructor(
    /** Dropped when the request finishes, so a finished request is not kept for the rest of its limit. */
    public reply: FastifyReply | undefined,
    readonly deadline: number,
  ) {}

  /** The handler is done: true when its answer may be sent, false when 504 was already sent. */
  finish(): boolean {
    this.reply = undefined;
    return !this.expired;
  }
}

/**
 * QF_REQUEST_TIMEOUT_MS for the plain Fastify command routes without a timer per request
 * (their hot path is kept lean, ADR 0005): every request has the same limit, so deadlines
 * come in arrival order, and one interval a few times a second answers the overdue ones
 * at the front of a queue with 504 REQUEST.TIMEOUT (retriable). The handler's late result
 * is dropped. On the ES gateway the decision timeout (5 s) answers first; this bounds what
 * it does not (a CRUD write stuck on the database).
 */
export class HandlerDeadlines {
  private queue: HandlerDeadline[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  track(reply: FastifyReply): HandlerDeadline {
    const deadline = new HandlerDeadline(reply, this.now() + this.timeoutMs);
    this.queue.push(deadline);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.expire(), Math.min(250, Math.ceil(this.timeoutMs / 10)));
      this.timer.unref();
    }
    return deadline;
  }

  /** Answers 504 to every request past its deadline; returns how many. */
  expire(now: number = this.now()): number {
    let expired = 0;
    while (this.head < this.queue.length) {
      const deadline = this.queue[this.head] as HandlerDeadline;
      if (deadline.reply !== undefined && deadline.deadline > now) break;
      this.head += 1;
      const reply = deadline.reply;
      if (reply === undefined) continue;
      deadline.reply = undefined;
      deadline.expired = true;
      if (reply.sent) continue;
      expired += 1;
      sendProblem(
        reply,
        new ApiError(
          'REQUEST.TIMEOUT',
          504,
          `no answer within ${this.timeoutMs} ms; retry later with the same Idempotency-Key`,
          {},
          true,
        ),
      );
    }
    // Drop the consumed front now and then instead of shifting on every pop.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return expired;
  }

  /** Requests still tracked (finished ones leave at their deadline). */
  get size(): number {
    return this.queue.length - this.head;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
