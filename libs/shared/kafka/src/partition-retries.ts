import { counter, gauge } from '@qf/shared-observability';

/** A partition is stuck once its current batch has failed for this long (QF_STUCK_PARTITION_MS). */
export const DEFAULT_STUCK_AFTER_MS = 15_000;

interface Failing {
  readonly since: number;
  attempts: number;
  lastError: string;
  counted: boolean;
}

const trackers = new Set<PartitionRetries>();

const stuckGauge = gauge({
  name: 'qf_consumer_stuck_partitions',
  help: 'Partitions whose current batch has kept failing (retried, uncommitted) past the stuck threshold',
  labelNames: ['group'],
  collect() {
    const byGroup = new Map<string, number>();
    for (const tracker of trackers)
      byGroup.set(tracker.group, (byGroup.get(tracker.group) ?? 0) + tracker.stuckCount());
    for (const [group, count] of byGroup) this.set({ group }, count);
  },
});
const stuckTotal = counter({
  name: 'qf_consumer_stuck_partitions_total',
  help: 'Times a partition became stuck (its batch failing past the stuck threshold)',
  labelNames: ['group'],
});

/**
 * Which partitions of a consumer are retrying a failed batch, and since when. A consumer
 * that holds a partition while its database is away loses nothing (nothing is committed),
 * but it does not progress either: past `stuckAfterMs` the partition is reported stuck,
 * which turns /health/ready to degraded (with the reason) and shows in
 * qf_consumer_stuck_partitions.
 */
export class PartitionRetries {
  private readonly failing = new Map<string, Failing>();

  constructor(
    readonly group: string,
    private readonly stuckAfterMs = DEFAULT_STUCK_AFTER_MS,
    private readonly now: () => number = Date.now,
  ) {
    trackers.add(this);
    stuckGauge.set({ group }, 0);
  }

  /** A batch of the partition failed (it will be retried). */
  failed(topic: string, partition: number, error: unknown): void {
    const key = `${topic}[${partition}]`;
    const entry = this.failing.get(key) ?? {
      since: this.now(),
      attempts: 0,
      lastError: '',
      counted: false,
    };
    entry.attempts += 1;
    entry.lastError = error instanceof Error ? error.message : String(error);
    this.failing.set(key, entry);
    this.countIfStuck(entry);
  }

  /** The partition's batch went through, or the partition is no longer ours: not failing any more. */
  cleared(topic: string, partition: number): void {
    this.failing.delete(`${topic}[${partition}]`);
  }

  /** Forgets every partition (the consumer stopped or lost its assignment). */
  clear(): void {
    this.failing.clear();
  }

  /** One reason per stuck partition, e.g. `player.events[3] failing for 42 s (9 attempts): …`. */
  stuck(): string[] {
    const now = this.now();
    return [...this.failing]
      .filter(([, entry]) => now - entry.since >= this.stuckAfterMs)
      .map(([key, entry]) => {
        this.countIfStuck(entry);
        return `${key} failing for ${Math.round((now - entry.since) / 1000)} s (${entry.attempts} attempts): ${entry.lastError}`;
      });
  }

  stuckCount(): number {
    const now = this.now();
    let count = 0;
    for (const entry of this.failing.values()) {
      if (now - entry.since < this.stuckAfterMs) continue;
      this.countIfStuck(entry);
      count += 1;
    }
    return count;
  }

  /** Stops reporting (the consumer is gone for good). */
  dispose(): void {
    this.failing.clear();
    trackers.delete(this);
  }

  private countIfStuck(entry: Failing): void {
    if (entry.counted || this.now() - entry.since < this.stuckAfterMs) return;
    entry.counted = true;
    stuckTotal.inc({ group: this.group });
  }
}
