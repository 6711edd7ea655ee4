import type { Message } from 'kafkajs';
import {
  decisionTimeout,
  EncodedAnswer,
  encodeCommandRecord,
  overloaded,
  serviceUnavailable,
  type AcceptedCommand,
  type CommandRecord,
  type ReplyView,
} from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { traceMessage } from '@qf/shared-observability';
import { gatewaySeries as series } from './gateway.metrics';
import { GroupCommitPacer } from '../processor/group-commit.pacer';
import { ReplyWaiters, type Waiter } from './reply-waiters';
import { WindowBatcher, type BatcherTimers } from './window-batcher';

/** After a failed produce, new commands are refused at once for this long (no pile-up on a dead broker). */
export const FAIL_FAST_MS = 500;
/** What a shed or fail-fast 503 tells the client to wait before retrying (Retry-After, seconds). */
export const RETRY_AFTER_SECONDS = 1;

export interface DispatcherOptions {
  /** Named in each command's replyTo, with the reply partition. */
  readonly gatewayId: string;
  readonly replyPartition: number;
  readonly decisionTimeoutMs: number;
  /** The longest send window (ms); 0: each window closes at the end of its event-loop turn. */
  readonly lingerMs: number;
  /**
   * The window follows the load: the arrival rate (commands/s) divided by this, in ms, up to
   * lingerMs (0 or absent: always lingerMs); ADR 0015, Follow-up 2.
   */
  readonly lingerRatePerMs?: number;
  readonly maxBatch: number;
  readonly maxInFlight: number;
  /** Requests waiting for a decision, at most; more are refused with 503 + Retry-After. */
  readonly maxPending: number;
  /** Commands waiting to be produced, at most; more are refused with 503 + Retry-After. */
  readonly maxUnsent: number;
}

/** Clocks and timers, injectable so tests drive time. */
export interface DispatcherClock {
  /** Monotonic ms, for deadlines and latencies. */
  readonly now: () => number;
  /** Wall-clock ms, for the fail-fast window. */
  readonly wallNow: () => number;
  readonly timers?: BatcherTimers;
}

const realClock: DispatcherClock = { now: () => performance.now(), wallNow: () => Date.now() };

/**
 * The gateway's request-reply core, without Kafka: admits a command (or sheds it), queues
 * it for the next send window, and settles the request when its reply comes, its send
 * fails or its time is up. `produce` sends one window (the Kafka producer in the gateway,
 * a fake in unit tests); `answer` is fed the replies read from the reply partition.
 *
 * - A failed send fails the requests whose commands were in that window, and only those:
 *   another request waiting for the same command id (a client's retry) keeps waiting.
 * - A request that times out (504) while its command is still waiting to be sent takes
 *   the command out of the queue: nothing is produced for a client that was already
 *   answered.
 * - At most maxPending requests wait and maxUnsent commands queue; beyond that a request
 *   is refused at once with 503 + Retry-After (load shedding), before anything is sent.
 */
export class CommandDispatcher {
  private readonly waiters: ReplyWaiters<EncodedAnswer>;
  private readonly batcher: WindowBatcher<Message>;
  private failingUntil = 0;
  private lastFailure?: string;
  /** The arrival rate, for a send window that follows the load (undefined: fixed window). */
  private readonly arrivals?: GroupCommitPacer;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly produce: (messages: Message[]) => Promise<void>,
    private readonly clock: DispatcherClock = realClock,
  ) {
    this.waiters = new ReplyWaiters<EncodedAnswer>(
      options.decisionTimeoutMs,
      (commandId) => {
        series.timeouts.inc();
        return decisionTimeout(commandId, options.decisionTimeoutMs);
      },
      clock.now,
    );
    const { lingerMs, lingerRatePerMs } = options;
    if (lingerMs > 0 && lingerRatePerMs)
      this.arrivals = new GroupCommitPacer({ maxIntervalMs: lingerMs, ratePerMs: lingerRatePerMs });
    const arrivals = this.arrivals;
    this.batcher = new WindowBatcher<Message>(
      (messages) => this.send(messages),
      {
        lingerMs: arrivals ? () => arrivals.interval(clock.now()) : lingerMs,
        maxBatch: options.maxBatch,
        maxInFlight: options.maxInFlight,
        maxWaiting: options.maxUnsent,
      },
      clock.timers,
    );
  }

  /** Why new commands are refused right now (a produce just failed), or undefined. */
  failing(): string | undefined {
    return this.clock.wallNow() < this.failingUntil
      ? (this.lastFailure ?? 'produce failing')
      : undefined;
  }

  /**
   * Sends the command; in 'wait' mode resolves with its decision as the processor encoded it
   * (accepted or rejected), in 'async' mode once Kafka has it. Rejects with an ApiError:
   * 503 (shed, or Kafka failing), 504 (no decision in time).
   */
  submit(
    command: PlayerCommand,
    requestHash: string,
    mode: 'wait' | 'async',
  ): Promise<EncodedAnswer | AcceptedCommand> {
    const failure = this.failing();
    if (failure !== undefined)
      return Promise.reject(serviceUnavailable('kafka', failure, RETRY_AFTER_SECONDS));
    this.arrivals?.arrived(1, this.clock.now());
    if (this.batcher.waiting >= this.options.maxUnsent) {
      series.shed.unsent.inc();
      return Promise.reject(
        overloaded(`${this.batcher.waiting} commands are waiting to be sent`, RETRY_AFTER_SECONDS),
      );
    }
    return mode === 'async'
      ? this.submitAsync(command, requestHash)
      : this.submitAndWait(command, requestHash);
  }

  private submitAsync(command: PlayerCommand, requestHash: string): Promise<AcceptedCommand> {
    const record: CommandRecord = { command, requestHash };
    return new Promise((resolve, reject) => {
      const queued = this.batcher.add(traceMessage(encodeCommandRecord(record)), (error) => {
        if (error !== undefined) return reject(error);
        series.produced.async.inc();
        resolve({
          commandId: command.metadata.commandId,
          playerId: command.data.playerId,
          status: 'pending',
        });
      });
      if (!queued) reject(this.shedUnsent());
    });
  }

  private submitAndWait(command: PlayerCommand, requestHash: string): Promise<EncodedAnswer> {
    if (this.waiters.size >= this.options.maxPending) {
      series.shed.pending.inc();
      return Promise.reject(
        overloaded(`${this.waiters.size} requests are waiting for decisions`, RETRY_AFTER_SECONDS),
      );
    }
    const { commandId } = command.metadata;
    const record: CommandRecord = {
      command,
      requestHash,
      replyTo: { gatewayId: this.options.gatewayId, partition: this.options.replyPartition },
    };
    const started = this.clock.now();
    return new Promise((resolve, reject) => {
      // Registered before producing: the reply may come back before the produce is acknowledged.
      const waiter: Waiter<EncodedAnswer> = this.waiters.add(commandId, (error, answer) => {
        const seconds = (this.clock.now() - started) / 1000;
        if (answer !== undefined) {
          (answer.isProblem ? series.decision.rejected : series.decision.accepted).observe(seconds);
          resolve(answer);
        } else {
          series.decision.failed.observe(seconds);
          reject(error);
        }
      });
      const queued = this.batcher.add(traceMessage(encodeCommandRecord(record)), (error) => {
        if (error !== undefined) this.waiters.fail(waiter, error);
        else series.produced.wait.inc();
      });
      if (!queued) {
        this.waiters.fail(waiter, this.shedUnsent());
        return;
      }
      waiter.onExpire = () => {
        if (this.batcher.cancel(queued)) series.dropped.inc();
      };
    });
  }

  private shedUnsent() {
    series.shed.unsent.inc();
    return overloaded(
      `${this.batcher.waiting} commands are waiting to be sent`,
      RETRY_AFTER_SECONDS,
    );
  }

  /** Answers the requests waiting for this reply's command; false when none waits. */
  answer(reply: ReplyView): boolean {
    return this.waiters.resolve(reply.commandId, new EncodedAnswer(reply.status, reply.body));
  }

  /** Times out the requests whose decision is overdue (call a few times a second). */
  expire(): void {
    this.waiters.expire();
    series.pending.set(this.waiters.size);
  }

  /** Sends what is queued and waits until it is sent. */
  drain(): Promise<void> {
    return this.batcher.drain();
  }

  /** Fails every waiting request (shutdown). */
  failAll(error: unknown): void {
    this.waiters.failAll(error);
    series.pending.set(0);
  }

  get pending(): number {
    return this.waiters.size;
  }

  get unsent(): number {
    return this.batcher.waiting;
  }

  private async send(messages: Message[]): Promise<void> {
    // A window that waited behind a produce which has just failed fails with it, at once.
    const failure = this.failing();
    if (failure !== undefined) throw serviceUnavailable('kafka', failure, RETRY_AFTER_SECONDS);
    const started = this.clock.now();
    try {
      await this.produce(messages);
      series.produceBatch.observe(messages.length);
      series.produceSeconds.observe((this.clock.now() - started) / 1000);
    } catch (error) {
      this.failingUntil = this.clock.wallNow() + FAIL_FAST_MS;
      this.lastFailure = error instanceof Error ? error.message : String(error);
      series.produceFailures.inc();
      throw serviceUnavailable('kafka', this.lastFailure, RETRY_AFTER_SECONDS);
    }
  }
}
