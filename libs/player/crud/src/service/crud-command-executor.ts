import {
  fromStoredPlayer,
  initialState,
  toStoredPlayer,
  tryDecide,
  type PlayerCommand,
  type PlayerEvent,
  type PlayerState,
} from '@qf/player-domain';
import {
  DEFAULT_IDEMPOTENCY_HORIZON_MS,
  idempotencyKeyReused,
  serviceUnavailable,
  versionConflict,
  type CommandResult,
} from '@qf/contracts';
import { toCommandResult } from '@qf/player-wire';
import { createLogger, injectTraceContext, inSpan, tracing } from '@qf/shared-observability';
import { crudMetrics } from '../crud-metrics';
import type { PlayerDocument } from '../document/player-document';
import type { PlayerRepository } from '../document/player-repository';
import { isTransientDatabaseError } from '../document/transient-errors';
import {
  DEFAULT_RECENT_COMMANDS,
  findRecent,
  keepRecent,
  outcomeOf,
  recentCommandFor,
} from '../document/recent-commands';
import {
  appendSeen,
  DEFAULT_SEEN_LIMIT,
  findSeen,
  type SeenMatch,
} from '../document/seen-commands';
import { eventOfEntry } from '../outbox/outbox-relay';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  mayRetry,
  type RetryPolicy,
} from '../occ/retry-policy';
import { guardedUpdateFor, insertDocumentFor, type AuditMode } from '../outbox/outbox-writes';
import type { AuditPublisher } from './audit-publisher';
import { KeyedSerializer } from './keyed-serializer';
import { PlayerDocumentCache, type CachedPlayer } from './player-document-cache';

export interface CrudExecutorOptions {
  readonly mode: AuditMode;
  readonly retry?: RetryPolicy;
  /** How many accepted commands each document keeps with their outcome (QF_RECENT_COMMANDS). */
  readonly recentLimit?: number;
  /** How long an accepted command id is remembered (QF_IDEMPOTENCY_HORIZON_MS). */
  readonly horizonMs?: number;
  /** At most this many ids per player within the horizon (QF_IDEMPOTENCY_MAX_PER_PLAYER). */
  readonly seenLimit?: number;
  /**
   * Where the events of an accepted command that left `recent` are read back (the audit
   * log, by event id); without it such a retry is answered 503 until its events can be read.
   */
  readonly outcomes?: OutcomeSource;
  /** The clock of decisions (ms since the epoch); tests move it. */
  readonly now?: () => number;
  /** Attempts in all when the database connection fails (not counted as OCC conflicts). */
  readonly transientAttempts?: number;
  /** Required in dual-write mode. */
  readonly publisher?: AuditPublisher;
  /**
   * Player documents kept after this process wrote them, so the next command of the
   * player is decided without a read (0: always read). Default DEFAULT_STATE_CACHE.
   */
  readonly stateCache?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Reads stored audit events by event id (AuditLog.eventsByIds); missing ones are left out. */
export interface OutcomeSource {
  eventsByIds(ids: readonly string[]): Promise<PlayerEvent[]>;
}

/** Player documents crud-service keeps by default (QF_CRUD_STATE_CACHE): about 2 KiB each. */
export const DEFAULT_STATE_CACHE = 100_000;

/** What deciding a command on one copy of the document came to. */
type Decided =
  | { readonly kind: 'duplicate'; readonly result: CommandResult }
  | { readonly kind: 'seen'; readonly match: SeenMatch }
  | { readonly kind: 'rejected'; readonly error: Error }
  | {
      readonly kind: 'accepted';
      readonly state: PlayerState;
      readonly next: PlayerState;
      readonly events: Parameters<typeof guardedUpdateFor>[2];
      readonly recent: ReturnType<typeof recentCommandFor>;
    };

const log = createLogger(process.env['QF_SERVICE'] ?? 'crud-service', 'executor');
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Keeps occurredAt non-decreasing along a player's versions: a command that lost a race
 * is decided again after a later event, so it cannot carry an earlier time. Then "the
 * state at time T" is always a prefix of the history.
 */
const stampedAfter = (command: PlayerCommand, state: PlayerState): PlayerCommand =>
  state.updatedAt !== '' && Date.parse(state.updatedAt) > Date.parse(command.metadata.occurredAt)
    ? ({
        ...command,
        metadata: { ...command.metadata, occurredAt: state.updatedAt },
      } as PlayerCommand)
    : command;

/**
 * The CRUD side's command path: read the player's document, decide with the same domain
 * decider as the ES side, write the new state in place guarded by the version read (and,
 * in outbox mode, the audit events in that same single-document write). A lost race is
 * retried with jittered backoff a bounded number of times, then answered 409.
 */
export class CrudCommandExecutor {
  private readonly retry: RetryPolicy;
  private readonly recentLimit: number;
  private readonly horizonMs: number;
  private readonly seenLimit: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly cache: PlayerDocumentCache;
  private readonly serializer = new KeyedSerializer();

  constructor(
    private readonly players: PlayerRepository,
    private readonly options: CrudExecutorOptions,
  ) {
    if (options.mode === 'dual-write' && !options.publisher)
      throw new TypeError('dual-write mode needs an AuditPublisher');
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.recentLimit = options.recentLimit ?? DEFAULT_RECENT_COMMANDS;
    this.horizonMs = options.horizonMs ?? DEFAULT_IDEMPOTENCY_HORIZON_MS;
    this.seenLimit = options.seenLimit ?? DEFAULT_SEEN_LIMIT;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
    this.cache = new PlayerDocumentCache(options.stateCache ?? DEFAULT_STATE_CACHE);
  }

  get mode(): AuditMode {
    return this.options.mode;
  }

  /** Decides and writes one command; the commands of one player run one after another here. */
  execute(command: PlayerCommand, requestHash: string): Promise<CommandResult> {
    const playerId = command.data.playerId;
    if (!tracing().enabled)
      return this.serializer.run(playerId, () => this.executeWithRetries(command, requestHash));
    // Traced: a span over the whole command (waits, retries, the write); its context goes
    // into the outbox entries, so the relay and the audit consumer join this trace.
    return inSpan(
      `execute ${command.type}`,
      { attributes: { 'qf.command_id': command.metadata.commandId, 'qf.player_id': playerId } },
      () => {
        const { traceparent } = injectTraceContext<Record<string, string>>({});
        return this.serializer.run(playerId, () =>
          this.executeWithRetries(command, requestHash, traceparent),
        );
      },
    );
  }

  private async executeWithRetries(
    command: PlayerCommand,
    requestHash: string,
    traceparent?: string,
  ): Promise<CommandResult> {
    const limit = this.options.transientAttempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.decideAndWrite(command, requestHash, traceparent);
      } catch (error) {
        // A failed write may or may not have been applied: the copy is no longer known good.
        this.cache.delete(command.data.playerId);
        if (!isTransientDatabaseError(error)) throw error;
        crudMetrics.transientErrors.inc();
        log.warn('database error; trying the command again', {
          commandId: command.metadata.commandId,
          attempt,
          error: (error as Error).message,
        });
        if (attempt >= limit) throw serviceUnavailable('mongo', (error as Error).message);
        await this.sleep(
          backoffDelay(
            attempt,
            { maxAttempts: limit, baseDelayMs: 50, maxDelayMs: 500 },
            this.random,
          ) + 10,
        );
      }
    }
  }

  private async decideAndWrite(
    command: PlayerCommand,
    requestHash: string,
    traceparent: string | undefined,
  ): Promise<CommandResult> {
    const playerId = command.data.playerId;
    let cacheTried = false;
    for (let attempt = 1; ; attempt += 1) {
      // Only the first try may use the copy: after a refused write it is stale by definition.
      const cached = cacheTried ? undefined : this.cache.get(playerId);
      cacheTried = true;
      let doc: CachedPlayer | null = cached ?? (await this.players.load(playerId));
      let decided = this.decide(command, requestHash, doc);
      let onCopy = cached !== undefined;
      if (cached && decided.kind === 'rejected') {
        // A rejection writes nothing, so no guard would catch a stale copy: only the
        // stored document may refuse a command.
        crudMetrics.stateCache.inc({ result: 'recheck' });
        doc = await this.players.load(playerId);
        decided = this.decide(command, requestHash, doc);
        onCopy = false;
      } else if (attempt === 1) {
        crudMetrics.stateCache.inc({ result: cached ? 'hit' : 'miss' });
      }
      if (decided.kind === 'seen') {
        crudMetrics.commands.inc({ type: command.type, outcome: 'duplicate' });
        return this.seenOutcome(command, decided.match, onCopy ? null : doc);
      }
      if (decided.kind === 'duplicate') {
        crudMetrics.commands.inc({ type: command.type, outcome: 'duplicate' });
        return decided.result;
      }
      if (decided.kind === 'rejected') {
        crudMetrics.commands.inc({ type: command.type, outcome: 'rejected' });
        throw decided.error;
      }
      const { state, next, events, recent } = decided;
      const seen = doc ? this.seenAfter(doc, recent) : undefined;
      const written = doc
        ? await this.players.write(
            guardedUpdateFor(
              state.version,
              next,
              events,
              recent,
              this.options.mode,
              this.recentLimit,
              traceparent,
              seen,
            ),
            { version: next.version, commandId: command.metadata.commandId },
          )
        : await this.players.insert(
            insertDocumentFor(next, events, recent, this.options.mode, traceparent),
          );
      if (written) {
        this.cache.set(this.afterWrite(doc, next, recent, seen));
        crudMetrics.attempts.observe(attempt);
        crudMetrics.commands.inc({ type: command.type, outcome: 'accepted' });
        if (this.options.mode === 'dual-write') await this.publishAfterWrite(playerId, events);
        return toCommandResult(playerId, next.version, events);
      }
      this.cache.delete(playerId);
      if (onCopy) {
        // Another process wrote since this one did: not a race lost, a copy out of date.
        // Read and try again at once, as the same attempt.
        crudMetrics.stateCache.inc({ result: 'stale' });
        attempt -= 1;
        continue;
      }
      crudMetrics.occConflicts.inc();
      if (!mayRetry(attempt, this.retry)) {
        crudMetrics.occExhausted.inc();
        crudMetrics.commands.inc({ type: command.type, outcome: 'conflict' });
        throw versionConflict(playerId, attempt);
      }
      crudMetrics.occRetries.inc();
      await this.sleep(backoffDelay(attempt, this.retry, this.random));
    }
  }

  /** The command decided on one copy of the player's document (null: not registered). */
  private decide(command: PlayerCommand, requestHash: string, doc: CachedPlayer | null): Decided {
    const playerId = command.data.playerId;
    const { commandId } = command.metadata;
    const notBefore = this.now() - this.horizonMs;
    const recent = findRecent(doc?.recent, commandId, notBefore);
    if (recent) {
      // The first outcome, and nothing written: the key was already consumed here.
      if (recent.requestHash !== requestHash)
        return { kind: 'rejected', error: idempotencyKeyReused(commandId) };
      return { kind: 'duplicate', result: outcomeOf(playerId, recent) };
    }
    const seen = findSeen(doc?.seen, commandId, requestHash, notBefore);
    if (seen) {
      if (!seen.sameRequest) return { kind: 'rejected', error: idempotencyKeyReused(commandId) };
      return { kind: 'seen', match: seen };
    }
    const state = doc ? fromStoredPlayer(doc._id, doc) : initialState(playerId);
    const decision = tryDecide(stampedAfter(command, state), state);
    if (!decision.ok) return { kind: 'rejected', error: decision.error };
    const { events, state: next } = decision;
    return {
      kind: 'accepted',
      state,
      next,
      events,
      recent: recentCommandFor(commandId, requestHash, events, this.now()),
    };
  }

  /**
   * The packed ids after this write (undefined: unchanged): the entries the write pushes
   * out of `recent`, added to those still within the horizon. The version guard makes the
   * copy's `recent` the stored one, so these are exactly the entries the $slice drops.
   */
  private seenAfter(
    doc: CachedPlayer,
    recent: ReturnType<typeof recentCommandFor>,
  ): Buffer | undefined {
    const { evicted } = keepRecent(doc.recent, [recent], this.recentLimit);
    const update = appendSeen(doc.seen, evicted, this.now() - this.horizonMs, this.seenLimit);
    if (update.expired > 0)
      crudMetrics.idempotencyForgotten.inc({ reason: 'horizon' }, update.expired);
    if (update.bounded > 0)
      crudMetrics.idempotencyForgotten.inc({ reason: 'bound' }, update.bounded);
    return update.bytes;
  }

  /**
   * The first outcome of a command found among the packed ids: its events are in the
   * document's outbox until the relay publishes them, then in the audit log. Between the
   * two (published, not yet stored) or when the audit log lost them (dual-write mode) the
   * retry is answered 503: nothing is decided again, and a later retry gets the outcome.
   */
  private async seenOutcome(
    command: PlayerCommand,
    match: SeenMatch,
    doc: CachedPlayer | null,
  ): Promise<CommandResult> {
    const playerId = command.data.playerId;
    const ids = Array.from({ length: match.count }, (_, i) => `${command.metadata.commandId}:${i}`);
    const stored = doc ?? (await this.players.load(playerId));
    const pending = ((stored as PlayerDocument | null)?.outbox ?? []).filter((entry) =>
      ids.includes(entry.eventId),
    );
    let events: PlayerEvent[] = pending.map(eventOfEntry);
    if (events.length < ids.length && this.options.outcomes) {
      const found = await this.options.outcomes.eventsByIds(ids);
      const byId = new Map([...found, ...events].map((event) => [event.metadata.eventId, event]));
      events = ids.flatMap((id) => byId.get(id) ?? []);
    }
    const last = events[events.length - 1];
    if (events.length < ids.length || last === undefined)
      throw serviceUnavailable(
        'audit log',
        `command ${command.metadata.commandId} was accepted earlier; its outcome is not readable yet`,
        1,
      );
    return toCommandResult(playerId, last.metadata.version, events);
  }

  /** The document as this write left it (state and recent commands; the outbox is the relay's). */
  private afterWrite(
    before: CachedPlayer | null,
    next: PlayerState,
    recent: ReturnType<typeof recentCommandFor>,
    seen: Buffer | undefined,
  ): CachedPlayer {
    const { kept } = keepRecent(before?.recent, [recent], this.recentLimit);
    const packed = seen ?? before?.seen;
    return {
      _id: next.id,
      ...toStoredPlayer(next),
      recent: kept,
      ...(packed === undefined ? {} : { seen: packed }),
    };
  }

  // The document already changed and cannot be taken back: a failed publish is answered
  // as the success it is for the state, and the audit event is gone. That gap is what
  // the outbox closes.
  private async publishAfterWrite(
    playerId: string,
    events: Parameters<AuditPublisher['publish']>[0],
  ): Promise<void> {
    try {
      await this.options.publisher!.publish(events);
      crudMetrics.dualWritePublished.inc(events.length);
    } catch (error) {
      crudMetrics.dualWriteLost.inc(events.length);
      log.warn('dual-write publish failed: audit events lost', {
        playerId,
        eventIds: events.map((e) => e.metadata.eventId),
        error: (error as Error).message,
      });
    }
  }
}
