import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { encodeEvent } from '@qf/player-wire';
import type { PlayerEvent } from '@qf/player-domain';
import { ensureFleetTopics } from '@qf/shared-kafka';
import {
  createLogger,
  endSpans,
  extractTraceContext,
  SpanKind,
  startSpan,
  traceMessage,
  tracing,
  type StartedSpan,
} from '@qf/shared-observability';
import { relayMetrics } from '../crud-metrics';
import type { OutboxEntry } from '../document/player-document';
import { summarizeBacklog, type PlayerRepository } from '../document/player-repository';
import { releaseWrites, type PendingOutboxDocument, type ReadOutbox } from './outbox-writes';
import { RelayShards, shardFilter } from './relay-shards';

export interface OutboxRelayOptions {
  /** The audit topic (crud.audit with the prefix). */
  readonly topic: string;
  /** This replica's name in leases. */
  readonly owner?: string;
  /** Player outboxes read per round. */
  readonly batchSize?: number;
  /**
   * How long a shard lease lasts (renewed every third of it); longer than the worst
   * publish, shorter than the patience for a dead relay.
   */
  readonly leaseMs?: number;
  /** Idle polling backs off from min to max while rounds find nothing. */
  readonly idleMinMs?: number;
  readonly idleMaxMs?: number;
  /**
   * Pause after a round that was not full, so the next one gathers more documents: each
   * round costs two database requests and a produce request (and the audit consumer a
   * fetch and an insert) whatever its size. Default DEFAULT_RELAY_LINGER_MS.
   */
  readonly lingerMs?: number;
  /** How often the backlog gauges are refreshed (one indexed query of the pending outboxes). */
  readonly sweepIntervalMs?: number;
  /**
   * Ensures the audit topic and its dead-letter topic on every (re)connect, from the
   * fleet's topic specification, with this partition count (absent: left alone).
   */
  readonly topics?: { readonly partitions: number };
}

/**
 * The default pause after a partial round. Measured at 1,000 commands/s (bench write
 * --target crud, one shared 2-core machine): 5 ms gave about 100 rounds/s and 1.70 ms of
 * CPU per command in all processes, 25 ms gave 1.39 ms (Kafka, relay and audit consumer
 * each about halved) with audit time to consistency p95 82 ms instead of 55-59 ms; 15 ms
 * keeps most of the saving and the p95 well under the 100 ms goal.
 */
export const DEFAULT_RELAY_LINGER_MS = 15;

/**
 * The default shard lease term: how long the shards of a relay that died stay unpublished
 * (a relay that stops gives them back at once). Renewals (a third of it: one heartbeat, a
 * read of 16 lease documents and one bulk) cost nothing next to the rounds; a publish
 * outliving the lease is harmless (published twice, stored once).
 */
export const DEFAULT_RELAY_LEASE_MS = 10_000;

const log = createLogger(process.env['QF_SERVICE'] ?? 'outbox-relay', 'relay');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const readOutboxOf = (doc: PendingOutboxDocument, readAt: Date): ReadOutbox => {
  const entries = doc.outbox ?? [];
  return {
    playerId: doc._id,
    version: doc.version,
    entries,
    pending: doc.outboxPending ?? entries.length,
    readAt,
  };
};

/** The event an outbox entry holds, without the bookkeeping copy of its id. */
export const eventOfEntry = (entry: OutboxEntry): PlayerEvent => {
  const { eventId: _eventId, traceparent: _traceparent, ...event } = entry;
  return event as PlayerEvent;
};

/**
 * Moves pending outbox entries to the audit topic. A relay publishes the outboxes of the
 * shards of players it holds a lease on (relay-shards.ts: a fair share of 16 ranges of
 * player ids; one relay alone holds them all), so relays do not claim documents one by
 * one. Each round is two database requests whatever the number of players in it:
 *
 * 1. read the oldest pending outboxes of its shards (`outboxSince` exists only while
 *    entries are pending, and its index answers the range), with their entries;
 * 2. publish them in one idempotent send, keyed by player id and in outbox order, then
 *    $pull exactly those entries in one bulk, each guarded by the first entry read still
 *    being there (outbox-writes.ts: only then are all the entries read still there).
 *
 * A relay that dies between publish and pull leaves the entries to be published again by
 * whoever holds the shard next: at least once, and the audit consumer keeps one copy.
 */
export class OutboxRelay {
  private readonly owner: string;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idleMinMs: number;
  private readonly idleMaxMs: number;
  private readonly sweepIntervalMs: number;
  private readonly lingerMs: number;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private sweepTimer?: NodeJS.Timeout;
  private lastError?: string;
  private sweeping = false;
  private readonly shards: RelayShards;
  private nextRefresh = 0;

  constructor(
    private readonly players: PlayerRepository,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.owner = options.owner ?? `relay-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 200;
    this.leaseMs = options.leaseMs ?? DEFAULT_RELAY_LEASE_MS;
    this.idleMinMs = options.idleMinMs ?? 5;
    this.idleMaxMs = options.idleMaxMs ?? 50;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.lingerMs = options.lingerMs ?? DEFAULT_RELAY_LINGER_MS;
    this.shards = new RelayShards(players.db, this.owner, this.leaseMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    void this.sweep();
    this.loop = this.run();
  }

  /** Finishes the round in progress, gives its shards back (others take over at once), then disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.loop;
    await this.shards.release().catch((error: unknown) =>
      log.warn('could not give shards back; they expire with their lease', {
        error: (error as Error).message,
      }),
    );
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  /** '/health' check: connected to Kafka and the last round did not fail. */
  health(): true | string {
    if (!this.producer)
      return `not connected to Kafka${this.lastError ? `: ${this.lastError}` : ''}`;
    return this.lastError ? `last round failed: ${this.lastError}` : true;
  }

  get id(): string {
    return this.owner;
  }

  private async run(): Promise<void> {
    let idle = this.idleMinMs;
    let failures = 0;
    while (this.running) {
      try {
        const producer = await this.connected();
        const { claimed } = await this.round(producer);
        this.lastError = undefined;
        failures = 0;
        relayMetrics.rounds.inc({ result: claimed > 0 ? 'work' : 'idle' });
        if (claimed > 0) {
          idle = this.idleMinMs;
          // A partial round waits a moment for more to gather (each claimed document
          // costs a claim and a release write whatever its entry count).
          if (claimed < this.batchSize) await sleep(this.lingerMs);
          continue;
        }
        await sleep(idle);
        idle = Math.min(this.idleMaxMs, idle * 2);
      } catch (error) {
        failures += 1;
        this.lastError = (error as Error).message;
        relayMetrics.rounds.inc({ result: 'error' });
        log.warn('relay round failed; entries stay pending', { error: this.lastError, failures });
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /**
   * After a failed send the next round connects a new producer (a new producer id): kafkajs'
   * sequence numbers may be behind the broker's (an appended request whose answer was lost),
   * and it would refuse every later send (RenewingProducer in @qf/shared-kafka says more).
   */
  private replaceProducer(failed: Producer): void {
    if (this.producer !== failed) return;
    this.producer = undefined;
    void failed.disconnect().catch(() => undefined);
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    if (this.options.topics) {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        await ensureFleetTopics(admin, ['crudAudit', 'crudAuditDeadLetter'], {
          partitions: this.options.topics.partitions,
          onDrift: (problem) => log.warn('topic differs from its specification', { ...problem }),
        });
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }
    // Idempotent with one request in flight: a retried send neither duplicates nor
    // reorders a player's events. Retries are bounded so a dead broker fails the round
    // (claims are given back) instead of holding leases until they expire.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    this.producer = producer;
    log.info('connected to Kafka', { owner: this.owner });
    return producer;
  }

  /** One round: read, publish, release. Returns the number of entries published. */
  async runOnce(producer: Producer): Promise<number> {
    return (await this.round(producer)).published;
  }

  /** The shards this relay holds, renewed every third of the lease term. */
  private async ownedShards(now: Date): Promise<number[]> {
    if (now.getTime() < this.nextRefresh) return this.shards.owned(now);
    const owned = await this.shards.refresh(now);
    this.nextRefresh = now.getTime() + this.leaseMs / 3;
    relayMetrics.shardsHeld.set(owned.length);
    return owned;
  }

  private async round(producer: Producer): Promise<{ claimed: number; published: number }> {
    const now = new Date();
    const shards = shardFilter(await this.ownedShards(now));
    if (shards === null) return { claimed: 0, published: 0 };
    const pending = await this.players.pendingOutboxesOf(shards, this.batchSize);
    if (pending.length === 0) return { claimed: 0, published: 0 };
    const claims = pending.map((doc) => readOutboxOf(doc, now));
    const spans: StartedSpan[] = [];
    const messages = claims.flatMap((claim) =>
      claim.entries.map((entry) => this.messageOf(entry, spans)),
    );
    if (messages.length > 0) {
      const timer = relayMetrics.publishDuration.startTimer();
      try {
        await producer.send({ topic: this.options.topic, acks: -1, messages });
      } catch (error) {
        endSpans(spans, error);
        relayMetrics.publishFailures.inc();
        this.replaceProducer(producer);
        throw error;
      } finally {
        timer();
      }
    }
    endSpans(spans);
    await this.release(claims);
    relayMetrics.published.inc(messages.length);
    return { claimed: claims.length, published: messages.length };
  }

  /**
   * The audit record of an entry. An entry stored with a trace context (tracing on in
   * crud-service) gets a publish span, child of the command's, that the record carries on
   * to the audit consumer; `spans` collects them to be ended once the send is settled.
   */
  private messageOf(entry: OutboxEntry, spans: StartedSpan[]) {
    const message = encodeEvent(eventOfEntry(entry));
    if (entry.traceparent === undefined || !tracing().enabled) return message;
    const started = startSpan(`relay ${entry.type}`, {
      kind: SpanKind.PRODUCER,
      parent: extractTraceContext({ traceparent: entry.traceparent }),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'send',
        'messaging.destination.name': this.options.topic,
        'qf.event_id': entry.eventId,
      },
    });
    spans.push(started);
    return traceMessage(message, started.context);
  }

  /**
   * Usually one request: per document, pull the published entries, guarded by the first
   * entry read and the entry count (nothing added since, so the document leaves the
   * pending set). Documents that got entries meanwhile are released in a second request
   * that keeps them pending. A document where neither matched was released by another
   * relay (this one's shard lease had run out), which published the entries too.
   */
  private async release(claims: readonly ReadOutbox[]): Promise<void> {
    const writes = claims.map(releaseWrites);
    const drained = await this.players.collection.bulkWrite(
      writes.map(({ drained }) => ({ updateOne: drained })),
      { ordered: false },
    );
    if (drained.matchedCount === claims.length) return;
    const remainder = await this.players.collection.bulkWrite(
      writes.map(({ remainder }) => ({ updateOne: remainder })),
      { ordered: false },
    );
    const lost = claims.length - drained.matchedCount - remainder.matchedCount;
    if (lost > 0) {
      relayMetrics.leasesLost.inc(lost);
      log.warn('outboxes released by another relay; their entries were published twice', {
        lost,
      });
    }
  }

  /** Refreshes the backlog gauges from the pending outboxes (an indexed query). */
  private async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow query is not stacked up
    this.sweeping = true;
    try {
      const backlog = summarizeBacklog(await this.players.pendingOutboxes());
      relayMetrics.sweeps.inc();
      relayMetrics.pendingEntries.set(backlog.entries);
      relayMetrics.pendingPlayers.set(backlog.players);
      relayMetrics.oldestAge.set(
        backlog.oldest ? Math.max(0, (Date.now() - backlog.oldest.getTime()) / 1000) : 0,
      );
    } catch (error) {
      log.warn('outbox backlog query failed', { error: (error as Error).message });
    } finally {
      this.sweeping = false;
    }
  }
}
