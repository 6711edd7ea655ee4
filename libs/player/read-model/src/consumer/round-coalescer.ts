import type { PlayerEvent } from '@qf/player-domain';
import type { UnappliableEvent } from '../projection/player-change';
import type { BatchOutcome, ReadModelWriter } from '../store/read-model.writer';

interface Submission {
  readonly events: readonly PlayerEvent[];
  readonly resolve: (failed: readonly UnappliableEvent[]) => void;
  readonly reject: (error: unknown) => void;
}

export interface RoundCoalescerOptions {
  /** A round takes queued chunks up to this many events (a larger single chunk goes alone). */
  readonly maxEvents: number;
  /** Rounds written at the same time (they never share a player: each holds whole partitions' chunks). */
  readonly concurrentRounds: number;
  /** Called once per round with what it did (metrics). */
  readonly onRound?: (outcome: BatchOutcome, chunks: number) => void;
}

/**
 * Group commit for the projector: the chunks of several partitions that wait while a
 * round is written go together into the next one, so a live stream of small batches
 * costs one set of bulk writes (and cache pipelines) per round instead of one per
 * partition batch. Idle, a chunk starts its round at once (after the current tick, so
 * chunks handed over together share it): no wait is added. Each chunk learns which of
 * its own events the fold threw on; a failed round fails every chunk in it, and each
 * retries on its own.
 */
export class RoundCoalescer {
  private readonly queue: Submission[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly writer: ReadModelWriter,
    private readonly options: RoundCoalescerOptions,
  ) {}

  /** Applies the events in the next round; resolves to those of them the fold threw on. */
  apply(events: readonly PlayerEvent[]): Promise<readonly UnappliableEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.options.concurrentRounds) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.running < this.options.concurrentRounds)
        void this.round(this.take());
    });
  }

  private take(): Submission[] {
    const taken: Submission[] = [];
    let events = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Submission;
      if (taken.length > 0 && events + next.events.length > this.options.maxEvents) break;
      taken.push(next);
      events += next.events.length;
      this.queue.shift();
    }
    return taken;
  }

  private async round(taken: readonly Submission[]): Promise<void> {
    this.running += 1;
    try {
      const events =
        taken.length === 1 ? (taken[0] as Submission).events : taken.flatMap((s) => s.events);
      const outcome = await this.writer.apply(events);
      this.options.onRound?.(outcome, taken.length);
      if (taken.length === 1) (taken[0] as Submission).resolve(outcome.failed);
      else {
        const failedBy = new Map(outcome.failed.map((failure) => [failure.event, failure]));
        for (const submission of taken)
          submission.resolve(
            failedBy.size === 0
              ? []
              : submission.events.flatMap((event) => {
                  const failure = failedBy.get(event);
                  return failure ? [failure] : [];
                }),
          );
      }
    } catch (error) {
      for (const submission of taken) submission.reject(error);
    } finally {
      this.running -= 1;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
