import type { MachineInfo } from '@qf/loadgen';
import type { RebuildSettings, ReplayOutcome } from '@qf/replay';

/** Settings of a replay benchmark run. */
export interface ReplayBenchOptions {
  /** Events on the topic (exactly; the log of `players` players is cut there). */
  readonly events: number;
  readonly players: number;
  readonly partitions: number;
  /** Replica counts to rebuild with, one rebuild each (e.g. [1, 2, 4]). */
  readonly projectors: readonly number[];
  /** What to rebuild: all, or one view. */
  readonly view: string;
  /** Topic prefix (default: a fresh `bench-replay-<time>.`). */
  readonly topicPrefix?: string;
  /** Use the events already on the topic of topicPrefix instead of filling it. */
  readonly reuse: boolean;
  /** Keep the topic at the end (to --reuse it). */
  readonly keep: boolean;
  readonly settings: Partial<RebuildSettings>;
  readonly seed: number;
  /** Compare the last rebuild with a fold of the log (not with --reuse: the log is not known). */
  readonly verify: boolean;
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly log?: (line: string) => void;
}

/** One rebuild's figures. */
export interface ReplayRow {
  readonly projectors: number;
  /** From the replicas' start (group join included) until the group caught up with the head. */
  readonly buildSeconds: number;
  readonly eventsPerSecond: number;
  /** eventsPerSecond / the consumer ceiling. */
  readonly ofCeiling: number;
  /** CPU-seconds this process (the projectors, Node side) used during the rebuild: user + system. */
  readonly cpuSeconds: number;
  /** The whole command: plan, rebuild, indexes, switch (grace 0), drop of the previous generation. */
  readonly wallSeconds: number;
  readonly outcome: Pick<ReplayOutcome, 'id' | 'groupId' | 'events' | 'status' | 'consumers'>;
  /** Peak resident memory of this process while it ran (MiB). */
  readonly peakRssMiB: number;
}

export interface ReplayBenchReport {
  readonly benchmark: 'replay';
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly settings: Omit<ReplayBenchOptions, 'log' | 'progress'> & {
    readonly topic: string;
    readonly database: string;
    readonly projector: RebuildSettings;
  };
  readonly log: {
    readonly events: number;
    readonly players: number | null;
    readonly fillSeconds: number | null;
    readonly bytes: number | null;
  };
  /** One kafkajs consumer reading the whole topic and doing nothing: what a projector could at most reach. */
  readonly ceiling: {
    readonly seconds: number;
    readonly eventsPerSecond: number;
    readonly cpuSeconds: number;
  };
  readonly rebuilds: readonly ReplayRow[];
  readonly verified: boolean | 'skipped';
}
