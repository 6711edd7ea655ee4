import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { encodeEvent } from '@qf/contracts';
import type { PlayerEvent } from '@qf/player-domain';
import { ensureFleetTopics } from '@qf/shared-kafka';
import { createLogger } from '@qf/shared-observability';
import { relayMetrics } from '../crud-metrics';
import type { Collection } from 'mongodb';
import type { OutboxEntry, PlayerDocument } from '../document/player-document';
import { summarizeBacklog, type PlayerRepository } from '../document/player-repository';
import {
  clearHintWrite,
  markHintWrite,
  outboxHintsCollection,
  type OutboxHintDocument,
} from './outbox-hints';
import { abandonWrite, claimWrite, releaseWrites, type ClaimedOutbox } from './outbox-writes';

export interface OutboxRelayOptions {
  /** The audit topic (crud.audit with the prefix). */
  readonly topic: string;
  /** This replica's name in leases. */
  readonly owner?: string;
  /** Players claimed per round. */
  readonly batchSize?: number;
  /** How long a claim stays exclusive; longer than the worst publish, shorter than the patience for a dead relay. */
  readonly leaseMs?: number;
  /** Idle polling backs off from min to max while rounds find nothing. */
  readonly idleMinMs?: number;
  readonly idleMaxMs?: number;
  /**
   * Pause after a round that was not full, so the next one gathers more documents: each
   * claimed document costs a claim and a release write whatever its entry count.
   */
  readonly lingerMs?: number;
  /**
   * How often the players collection is swept for pending outboxes that have no hint
   * (a crud-service stopped between its write and the hint); the backlog gauges are
   * refreshed by the same sweep.
   */
  readonly sweepIntervalMs?: number;
  /**
   * Ensures the audit topic and its dead-letter topic on every (re)connect, from the
   * fleet's topic specification, with this partition count (absent: left alone).
   */
  readonly topics?: { readonly partitions: number };
}

const log = createLogger(process.env['QF_SERVICE'] ?? 'outbox-relay', 'relay');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The event an outbox entry holds, without the bookkeeping copy of its id. */
export const eventOfEntry = (entry: OutboxEntry): PlayerEvent => {
  const { eventId: _eventId, ...event } = entry;
  return event as PlayerEvent;
};

/**
 * Moves pending outbox entries to the audit topic. Each round reads the oldest outbox
 * hints (a short list of players whose outbox may hold entries, see outbox-hints), claims
 * each of those documents with a lease (a conditional update by _id, so one relay per
 * document at a time), publishes all claimed entries in one idempotent send, keyed by
 * player id and in outbox order, then $pulls exactly those entries and clears the hints.
 * A relay that dies between publish and pull leaves the entries to be published again
 * once the lease expires: at least once, and the audit consumer keeps one copy.
 *
 * Every query of a round goes to the players by _id: a server without secondary indexes
 * answers those from its _id index instead of scanning every player under the lock the
 * writers need. Only the sweep (every sweepIntervalMs) scans.
 */
export class OutboxRelay {
  private readonly owner: string;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idleMinMs: number;
  private readonly idleMaxMs: number;
  private readonly sweepIntervalMs: number;
  private readonly lingerMs: number;
  private readonly hints: Collection<OutboxHintDocument>;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private sweepTimer?: NodeJS.Timeout;
  private lastError?: string;
  private sweeping = false;

  constructor(
    private readonly players: PlayerRepository,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.owner = options.owner ?? `relay-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 200;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.idleMinMs = options.idleMinMs ?? 5;
    this.idleMaxMs = options.idleMaxMs ?? 50;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5000;
    this.lingerMs = options.lingerMs ?? 5;
    this.hints = outboxHintsCollection(players.collection.db);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    void this.sweep();
    this.loop = this.run();
  }

  /** Finishes the round in progress (so no claim is left to expire), then disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.loop;
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

  /** One round: claim, publish, release. Returns the number of entries published. */
  async runOnce(producer: Producer): Promise<number> {
    return (await this.round(producer)).published;
  }

  private async round(producer: Producer): Promise<{ claimed: number; published: number }> {
    const now = new Date();
    const candidates = await this.hints
      .find({}, { projection: { _id: 1 } })
      .sort({ since: 1 })
      .limit(this.batchSize)
      .toArray();
    if (candidates.length === 0) return { claimed: 0, published: 0 };
    const claims = await this.claim(
      candidates.map((candidate) => candidate._id),
      now,
    );
    if (claims.length === 0) return { claimed: 0, published: 0 };
    const messages = claims.flatMap((claim) =>
      claim.entries.map((entry) => encodeEvent(eventOfEntry(entry))),
    );
    if (messages.length > 0) {
      const timer = relayMetrics.publishDuration.startTimer();
      try {
        await producer.send({ topic: this.options.topic, acks: -1, messages });
      } catch (error) {
        relayMetrics.publishFailures.inc();
        await this.abandon(claims);
        throw error;
      } finally {
        timer();
      }
    }
    await this.release(claims);
    relayMetrics.published.inc(messages.length);
    return { claimed: claims.length, published: messages.length };
  }

  /**
   * Claims each candidate with a conditional update by _id (all in one unordered bulk;
   * each document is claimed or not atomically, so concurrent relays split the batch),
   * then reads the candidates back by _id: what carries this round's token is claimed.
   * A candidate with nothing pending and no lease is a stale hint, cleared here.
   */
  private async claim(
    playerIds: string[],
    now: Date,
  ): Promise<Array<ClaimedOutbox & { version: number }>> {
    const token = randomUUID();
    const lease = { owner: this.owner, token, until: new Date(now.getTime() + this.leaseMs) };
    await this.players.collection.bulkWrite(
      playerIds.map((playerId) => ({ updateOne: claimWrite(playerId, lease, now) })),
      { ordered: false },
    );
    const docs = await this.players.collection
      .find(
        { _id: { $in: playerIds } },
        { projection: { outbox: 1, outboxPending: 1, outboxLease: 1, outboxSince: 1, version: 1 } },
      )
      .toArray();
    const byId = new Map(
      docs.map((doc) => [
        doc._id,
        doc as Pick<
          PlayerDocument,
          '_id' | 'outbox' | 'outboxPending' | 'outboxLease' | 'outboxSince' | 'version'
        >,
      ]),
    );
    const stale = playerIds.flatMap((playerId) => {
      const doc = byId.get(playerId);
      if (!doc) return [clearHintWrite(playerId, Number.MAX_SAFE_INTEGER)];
      return doc.outboxSince === undefined && doc.outboxLease === undefined
        ? [clearHintWrite(playerId, doc.version)]
        : [];
    });
    if (stale.length > 0) await this.hints.bulkWrite(stale, { ordered: false });
    const claims = playerIds.flatMap((playerId) => {
      const doc = byId.get(playerId);
      if (!doc || doc.outboxLease?.token !== token) return [];
      const entries = doc.outbox ?? [];
      return [
        {
          playerId,
          token,
          entries,
          pending: doc.outboxPending ?? entries.length,
          claimedAt: now,
          version: doc.version,
        },
      ];
    });
    relayMetrics.claimsLost.inc(playerIds.length - claims.length - stale.length);
    // Published in the order the candidates came (oldest hint first).
    return claims;
  }

  private async abandon(claims: readonly ClaimedOutbox[]): Promise<void> {
    await this.players.collection
      .bulkWrite(
        claims.map((claim) => ({ updateOne: abandonWrite(claim) })),
        { ordered: false },
      )
      .catch((error: unknown) =>
        log.warn('could not give claims back; they expire with their lease', {
          error: (error as Error).message,
        }),
      );
  }

  /**
   * One round trip for the whole batch: per document "drained" then "remainder", in
   * order. Whichever applies drops the lease, so the other then matches nothing; a
   * document where neither matched lost its lease to another relay, which will publish
   * its entries again (the consumer keeps one copy). Then the hints go, each only up to
   * the version claimed: a command that wrote after the claim marked a higher version.
   */
  private async release(claims: ReadonlyArray<ClaimedOutbox & { version: number }>): Promise<void> {
    const result = await this.players.collection.bulkWrite(
      claims.flatMap((claim) => {
        const { drained, remainder } = releaseWrites(claim);
        return [{ updateOne: drained }, { updateOne: remainder }];
      }),
      { ordered: true },
    );
    const lost = claims.length - result.matchedCount;
    if (lost > 0) {
      relayMetrics.leasesLost.inc(lost);
      log.warn('leases lost before release; their entries may be published twice', { lost });
      // Which ones is not known: their hints stay, and the next round sorts them out.
      return;
    }
    await this.hints.bulkWrite(
      claims.map((claim) => clearHintWrite(claim.playerId, claim.version)),
      { ordered: false },
    );
  }

  /**
   * The slow path: scans the players for pending outboxes, gives a hint to any that has
   * none (so nothing waits longer than one sweep interval), and refreshes the backlog
   * gauges from what it saw.
   */
  private async sweep(): Promise<void> {
    if (this.sweeping) return; // a slow scan is not stacked up
    this.sweeping = true;
    try {
      const pending = await this.players.pendingOutboxes();
      const backlog = summarizeBacklog(pending);
      relayMetrics.sweeps.inc();
      relayMetrics.pendingEntries.set(backlog.entries);
      relayMetrics.pendingPlayers.set(backlog.players);
      relayMetrics.oldestAge.set(
        backlog.oldest ? Math.max(0, (Date.now() - backlog.oldest.getTime()) / 1000) : 0,
      );
      if (pending.length === 0) return;
      const hinted = new Set(
        (
          await this.hints
            .find({ _id: { $in: pending.map((doc) => doc._id) } }, { projection: { _id: 1 } })
            .toArray()
        ).map((hint) => hint._id),
      );
      const missing = pending.filter((doc) => !hinted.has(doc._id));
      if (missing.length === 0) return;
      await this.hints.bulkWrite(
        missing.map((doc) => markHintWrite(doc._id, doc.version, new Date(doc.outboxSince))),
        { ordered: false },
      );
      relayMetrics.hintsRestored.inc(missing.length);
      // Also counts outboxes drained (and their hint cleared) between the scan and this check.
      log.info('hinted pending outboxes the sweep found without a hint', {
        players: missing.length,
      });
    } catch (error) {
      log.warn('outbox sweep failed', { error: (error as Error).message });
    } finally {
      this.sweeping = false;
    }
  }
}
