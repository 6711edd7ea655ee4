import type { PlayerEvent } from '@qf/player-domain';
import type { UnappliableEvent } from '../projection/player-change';
import type { BatchOutcome, ReadModelWriter } from '../store/read-model.writer';

interface Submission {
  readonly events: readonly PlayerEvent[];
  /** Who submitted it (a partition): a source whose round failed goes alone until it succeeds. */
  readonly source: string;
  /** Written in a round of its own (its source is suspect, or its shared round failed). */
  solo: boolean;
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
 * its own events the fold threw on.
 *
 * A failure stays with the chunk that causes it: when a shared round fails, each of its
 * chunks is written again in a round of its own, and a chunk that fails alone marks its
 * source (partition) suspect, so its retries go alone until one succeeds. One partition
 * stuck on a failing write never holds the others back.
 */
export class RoundCoalescer {
  private readonly queue: Submission[] = [];
  private readonly suspects = new Set<string>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly writer: ReadModelWriter,
    private readonly options: RoundCoalescerOptions,
  ) {}

  /** Applies the events in the next round; resolves to those of them the fold threw on. */
  apply(events: readonly PlayerEvent[], source = ''): Promise<readonly UnappliableEvent[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, source, solo: this.suspects.has(source), resolve, reject });
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
      const index = taken.length === 0 ? 0 : this.queue.findIndex((next) => !next.solo);
      const next = this.queue[index];
      if (next === undefined) break;
      if (taken.length > 0 && events + next.events.length > this.options.maxEvents) break;
      taken.push(next);
      events += next.events.length;
      this.queue.splice(index, 1);
      if (next.solo) break;
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
      if (taken.length === 1) this.suspects.delete((taken[0] as Submission).source);
    } catch (error) {
      if (taken.length === 1) {
        const [submission] = taken as [Submission];
        this.suspects.add(submission.source);
        submission.reject(error);
      } else {
        // Which chunk failed is unknown: each goes again alone, first in line.
        for (const submission of taken) submission.solo = true;
        this.queue.unshift(...taken);
      }
    } finally {
      this.running -= 1;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
