import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { PlayerEvent } from '@qf/player-domain';
import {
  connectDeadLetters,
  createEventConsumer,
  decodeRecord,
  describeError,
  retryWithBackoff,
  type DeadLetterPublisher,
  PlayerFold,
  stateFromPlayerDetails,
  storeFoldRound,
  type FoldRound,
  type Backoff,
  type PlayerEventDocument,
  type ReadModelStore,
  type ViewName,
} from '@qf/player-read-model';
import { createLogger, type Logger } from '@qf/shared-observability';

/** How a rebuild consumer reads and writes; every field has a default (DEFAULT_REBUILD_SETTINGS). */
export interface RebuildSettings {
  /** Events of a partition folded between two writes of its players (one write per changed player per round). */
  readonly flushEvents: number;
  /** A partition with events folded is written at least this often (progress and what a crash loses). */
  readonly flushMs: number;
  /** player_events documents per early insert (they need no order, so they go before their round). */
  readonly eventDocsChunk: number;
  /** player_events documents held, gathered or being written; beyond it fetching waits. */
  readonly maxPendingDocs: number;
  /** Player states kept in memory; beyond it the written ones are forgotten (read again when met). */
  readonly maxPlayers: number;
  /** Writes running at the same time (Mongo-wire servers gain little from more). */
  readonly concurrentWrites: number;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
  readonly maxBytes: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly backoff: Backoff;
}

export const DEFAULT_REBUILD_SETTINGS: RebuildSettings = {
  flushEvents: 100_000,
  flushMs: 10_000,
  eventDocsChunk: 10_000,
  maxPendingDocs: 100_000,
  maxPlayers: 1_000_000,
  concurrentWrites: 2,
  partitionsConsumedConcurrently: 4,
  // Larger fetches were no faster (measured) and held more memory.
  maxBytesPerPartition: 2 * 1024 * 1024,
  maxBytes: 32 * 1024 * 1024,
  sessionTimeoutMs: 30_000,
  heartbeatIntervalMs: 3000,
  rebalanceTimeoutMs: 60_000,
  backoff: { initialMs: 200, maxMs: 10_000 },
};

export interface RebuildConsumerOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly groupId: string;
  /** The rebuild's collections. */
  readonly store: ReadModelStore;
  /** The views rebuilt; player_details is always written (it is the base a resumed fold starts from). */
  readonly views: ReadonlySet<ViewName>;
  readonly settings?: Partial<RebuildSettings>;
  readonly logger?: Logger;
}

/** What a rebuild consumer did so far (for benchmarks and logs). */
export interface RebuildStats {
  /** Write rounds stored (each followed by a commit). */
  readonly rounds: number;
  readonly events: number;
  /** player_details writes (one per changed player per round). */
  readonly playerWrites: number;
  /** Summed time of the writes (they overlap each other and the fetching). */
  readonly writeSeconds: number;
  /** Time fetching waited for writes to catch up (the writes set the pace then). */
  readonly backpressureSeconds: number;
}

type Work =
  | {
      readonly kind: 'round';
      readonly fold: PlayerFold<KafkaMessage>;
      readonly round: FoldRound<KafkaMessage>;
    }
  | { readonly kind: 'docs'; readonly docs: readonly PlayerEventDocument[] };

/**
 * A projector replica built for replays. Each partition's events are folded in memory as
 * they are fetched (PlayerFold, the live projector's fold), and written in rounds in the background while the
 * next batches are fetched: one player_details write (a compare-and-set) per changed
 * player per round, then the derived views, and the round's offset is committed only
 * after its writes are acknowledged (rounds of a partition in order). So a stop or a
 * crash loses nothing committed, and the redelivery of what was not is harmless (every
 * write is guarded by the aggregate version). The live projector instead writes and
 * commits each fetched batch before the next fetch: right for freshness, slow for a
 * replay, where Kafka would wait for Mongo and Mongo for Kafka.
 */
export class RebuildConsumer {
  private readonly settings: RebuildSettings;
  private readonly log: Logger;
  private consumer?: Consumer;
  private producer?: Producer;
  private deadLetters?: DeadLetterPublisher;
  private folds = new Map<number, PlayerFold<KafkaMessage>>();
  private readonly lastRoundAt = new Map<number, number>();
  /** Each partition's writes, chained so its rounds commit in order. */
  private readonly chains = new Map<number, Promise<void>>();
  private pendingDocs = 0;
  private generation = 0;
  private writeSlots: number;
  private readonly slotWaiters: Array<() => void> = [];
  private closing = false;
  private readonly counters = {
    rounds: 0,
    events: 0,
    playerWrites: 0,
    writeMs: 0,
    backpressureMs: 0,
  };

  constructor(private readonly options: RebuildConsumerOptions) {
    this.settings = { ...DEFAULT_REBUILD_SETTINGS, ...options.settings };
    this.writeSlots = this.settings.concurrentWrites;
    this.log = options.logger ?? createLogger('replay', 'rebuild-consumer');
  }

  async start(): Promise<void> {
    const { kafka, groupId, topic } = this.options;
    const s = this.settings;
    ({ producer: this.producer, deadLetters: this.deadLetters } = await connectDeadLetters(
      kafka,
      this.options.deadLetterTopic,
    ));
    const consumer = createEventConsumer(kafka, groupId, s);
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // kafkajs fetches from the committed offsets again after a rebalance: what was folded
      // and not yet handed to a write is folded again (by whoever owns the partition now).
      this.generation += 1;
      for (const fold of this.folds.values()) this.pendingDocs -= fold.pendingDocs;
      this.folds = new Map();
      this.log.info('joined group', { groupId, assignment: payload.memberAssignment });
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A batch of only transaction markers never reaches eachBatch: its offset is
      // committed after the rounds before it, or the group would show phantom lag.
      if (payload.batchSize !== 0 || this.closing) return;
      const nextOffset = (BigInt(payload.lastOffset) + 1n).toString();
      this.afterFold(
        payload.partition,
        this.foldOf(payload.partition),
        nextOffset,
        BigInt(payload.highWatermark) <= BigInt(nextOffset),
      );
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: s.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /**
   * Stops fetching, lets the writes already running finish and commit (a failing one is
   * given up uncommitted; queued ones are dropped), then leaves the group. Whatever was
   * not committed is read again by the next run.
   */
  async stop(): Promise<void> {
    this.closing = true;
    this.consumer?.pause([{ topic: this.options.topic }]);
    await Promise.allSettled([...this.chains.values()]);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  stats(): RebuildStats {
    const { rounds, events, playerWrites, writeMs, backpressureMs } = this.counters;
    return {
      rounds,
      events,
      playerWrites,
      writeSeconds: writeMs / 1000,
      backpressureSeconds: backpressureMs / 1000,
    };
  }

  private foldOf(partition: number): PlayerFold<KafkaMessage> {
    let fold = this.folds.get(partition);
    if (!fold) {
      fold = new PlayerFold<KafkaMessage>({
        playerEvents: this.options.views.has('player_events'),
      });
      this.folds.set(partition, fold);
    }
    return fold;
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const active = () => !this.closing && isRunning() && !isStale();
    if (!active()) return;
    const { partition } = batch;
    const generation = this.generation;
    const fold = this.foldOf(partition);
    const events: PlayerEvent[] = [];
    const records: KafkaMessage[] = [];
    for (const message of batch.messages) {
      const decoded = decodeRecord(message);
      if (decoded.ok) {
        events.push(decoded.event);
        records.push(message);
      } else {
        fold.reject(message, decoded.error);
      }
    }
    const groups = fold.group(events);
    const needed = fold.basesNeeded(groups);
    if (needed.length > 0) {
      // Players met in the middle of their stream (a resume, a rebalance): start from what is stored.
      let docs: Awaited<ReturnType<ReadModelStore['loadPlayerDetails']>> = [];
      const loaded = await retryWithBackoff(
        async () => {
          docs = await this.options.store.loadPlayerDetails(needed);
        },
        this.settings.backoff,
        {
          isActive: active,
          heartbeat,
          onRetry: (error) =>
            this.log.warn('reading fold bases failed; retrying', {
              partition,
              error: describeError(error),
            }),
        },
      );
      if (!loaded || generation !== this.generation) return;
      fold.seed(docs.map(stateFromPlayerDetails));
    }
    const docsBefore = fold.pendingDocs;
    fold.fold(groups, (event) => records[events.indexOf(event)] as KafkaMessage);
    this.pendingDocs += fold.pendingDocs - docsBefore;
    // Resolved, not committed: kafkajs fetches on from here; the commit follows the round's writes.
    resolveOffset(batch.lastOffset());
    const nextOffset = (BigInt(batch.lastOffset()) + 1n).toString();
    this.afterFold(partition, fold, nextOffset, BigInt(batch.highWatermark) <= BigInt(nextOffset));
    // Backpressure on the documents held in memory: the writes set the pace.
    const waitStart = performance.now();
    while (this.pendingDocs > this.settings.maxPendingDocs && active()) {
      this.flushFullest();
      await Promise.race([
        ...this.chains.values(),
        new Promise((resolve) => setTimeout(resolve, this.settings.heartbeatIntervalMs)),
      ]);
      await heartbeat().catch(() => undefined);
    }
    this.counters.backpressureMs += performance.now() - waitStart;
  }

  /** Hands documents and rounds to the partition's write chain when they are due. */
  private afterFold(
    partition: number,
    fold: PlayerFold<KafkaMessage>,
    nextOffset: string,
    atHead: boolean,
  ): void {
    if (fold.pendingDocs >= this.settings.eventDocsChunk)
      this.schedule(partition, { kind: 'docs', docs: fold.takeEventDocs() });
    const now = Date.now();
    const since = this.lastRoundAt.get(partition) ?? now;
    if (!this.lastRoundAt.has(partition)) this.lastRoundAt.set(partition, now);
    if (
      atHead ||
      fold.pendingEvents >= this.settings.flushEvents ||
      (fold.pendingEvents > 0 && now - since >= this.settings.flushMs)
    ) {
      this.lastRoundAt.set(partition, now);
      this.schedule(partition, { kind: 'round', fold, round: fold.takeRound(nextOffset) });
    }
  }

  private flushFullest(): void {
    let fullest: [number, PlayerFold<KafkaMessage>] | undefined;
    for (const entry of this.folds)
      if (!fullest || entry[1].pendingDocs > fullest[1].pendingDocs) fullest = entry;
    if (fullest && fullest[1].pendingDocs > 0)
      this.schedule(fullest[0], { kind: 'docs', docs: fullest[1].takeEventDocs() });
  }

  private schedule(partition: number, work: Work): void {
    const docs = work.kind === 'docs' ? work.docs.length : work.round.eventDocs.length;
    const previous = this.chains.get(partition) ?? Promise.resolve();
    const next: Promise<void> = previous
      .then(() => this.write(partition, work))
      .catch((error: unknown) =>
        this.log.warn('rebuild write failed; its events are read again after a restart', {
          partition,
          error: describeError(error),
        }),
      )
      .finally(() => {
        this.pendingDocs -= docs;
        if (this.chains.get(partition) === next) this.chains.delete(partition);
      });
    this.chains.set(partition, next);
  }

  private async write(partition: number, work: Work): Promise<void> {
    // Stopping: queued writes are dropped uncommitted (and so is everything after them).
    if (this.closing) return;
    await this.acquireSlot();
    const began = performance.now();
    try {
      const stored = await retryWithBackoff(
        () =>
          work.kind === 'docs'
            ? this.storeDocs(work.docs)
            : this.storeRound(partition, work.fold, work.round),
        this.settings.backoff,
        {
          isActive: () => !this.closing,
          heartbeat: async () => undefined,
          onRetry: (error, attempt, delayMs) =>
            this.log.warn('rebuild write failed, retrying after backoff (offsets not committed)', {
              partition,
              attempt,
              delayMs: Math.round(delayMs),
              error: describeError(error),
            }),
        },
      );
      if (!stored || work.kind === 'docs') return;
      this.counters.rounds += 1;
      this.counters.events += work.round.events;
    } finally {
      this.counters.writeMs += performance.now() - began;
      this.releaseSlot();
    }
    if (
      this.folds.size > 0 &&
      [...this.folds.values()].reduce((sum, fold) => sum + fold.size, 0) > this.settings.maxPlayers
    )
      work.fold.evictClean();
    try {
      await this.consumer?.commitOffsets([
        { topic: this.options.topic, partition, offset: work.round.nextOffset },
      ]);
    } catch (error) {
      // A rebalance or a stop: the round is written, so the next owner's redelivery is harmless.
      this.log.debug('commit after a rebuild round refused', {
        partition,
        error: describeError(error),
      });
    }
  }

  private async storeDocs(docs: readonly PlayerEventDocument[]): Promise<void> {
    if (docs.length > 0)
      await this.options.store.writeDerivedViews({
        roomOccupancy: [],
        leaderboard: [],
        playerEvents: docs,
      });
  }

  private async storeRound(
    partition: number,
    fold: PlayerFold<KafkaMessage>,
    round: FoldRound<KafkaMessage>,
  ): Promise<void> {
    const { playerWrites } = await storeFoldRound(this.options.store, fold, round, {
      views: this.options.views,
    });
    this.counters.playerWrites += playerWrites;
    if (round.letters.length > 0) {
      await this.deadLetters?.publish(
        round.letters.map(({ record, error }) => ({
          topic: this.options.topic,
          partition,
          message: record,
          error,
        })),
      );
      this.log.warn('dead-lettered poison events', { partition, count: round.letters.length });
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.writeSlots > 0) {
      this.writeSlots -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next();
    else this.writeSlots += 1;
  }
}
