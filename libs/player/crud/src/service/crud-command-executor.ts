import { toStoredPlayer, type PlayerCommand } from '@qf/player-domain';
import {
  DEFAULT_IDEMPOTENCY_HORIZON_MS,
  serviceUnavailable,
  versionConflict,
  type CommandResult,
} from '@qf/contracts';
import { createLogger, injectTraceContext, inSpan, tracing } from '@qf/shared-observability';
import { crudMetrics } from '../crud-metrics';
import type { PlayerRepository } from '../document/player-repository';
import { isTransientDatabaseError } from '../document/transient-errors';
import { DEFAULT_RECENT_COMMANDS, keepRecent } from '../document/recent-commands';
import { appendSeen, DEFAULT_SEEN_LIMIT } from '../document/seen-commands';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  mayRetry,
  type RetryPolicy,
} from '../occ/retry-policy';
import {
  groupInsertDocumentFor,
  groupUpdateFor,
  type AcceptedCommandWrite,
  type AuditMode,
} from '../outbox/outbox-writes';
import type { AuditPublisher } from './audit-publisher';
import { decideGroup, type CommandGroup, type QueuedCommand } from './command-group';
import { KeyedBatcher, type Settled } from './keyed-batcher';
import { PlayerDocumentCache, type CachedPlayer } from './player-document-cache';
import { readSeenOutcome, type OutcomeSource } from './seen-outcome';

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
  /** At most this many queued commands of one player go into one write (MAX_COMMANDS_PER_WRITE). */
  readonly maxCommandsPerWrite?: number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Player documents crud-service keeps by default (QF_CRUD_STATE_CACHE): about 2 KiB each. */
export const DEFAULT_STATE_CACHE = 100_000;

const log = createLogger(process.env['QF_SERVICE'] ?? 'crud-service', 'executor');
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** At most this many queued commands of one player are decided into one write. */
export const MAX_COMMANDS_PER_WRITE = 64;

/** How one attempt at a group ended: written (or nothing to write), or refused by the guard. */
type Attempt =
  | {
      readonly written: true;
      readonly group: CommandGroup;
      /** The document decided on, when it was read (not the kept copy, which has no outbox). */
      readonly read: CachedPlayer | null;
    }
  | { readonly written: false; readonly onCopy: boolean };

/**
 * The CRUD side's command path: read the player's document, decide with the same domain
 * decider as the ES side, write the new state in place guarded by the version read (and,
 * in outbox mode, the audit events in that same single-document write). A lost race is
 * retried with jittered backoff a bounded number of times, then answered 409.
 *
 * The commands of one player that arrive while its previous write is out are decided
 * together, one after another on the state each leaves, and written in one guarded write
 * (group commit per player): a hot player costs one round trip per group, not per command.
 * Each command keeps its own outcome (accepted, rejected, duplicate) and idempotency entry.
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
  private readonly queue: KeyedBatcher<QueuedCommand, CommandResult>;

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
    this.queue = new KeyedBatcher(
      (playerId, queued) => this.runGroup(playerId, queued),
      options.maxCommandsPerWrite ?? MAX_COMMANDS_PER_WRITE,
    );
  }

  get mode(): AuditMode {
    return this.options.mode;
  }

  /** Decides and writes one command; the commands of one player are decided in order here. */
  execute(command: PlayerCommand, requestHash: string): Promise<CommandResult> {
    const playerId = command.data.playerId;
    if (!tracing().enabled) return this.queue.submit(playerId, { command, requestHash });
    // Traced: a span over the whole command (waits, retries, the write); its context goes
    // into the outbox entries, so the relay and the audit consumer join this trace.
    return inSpan(
      `execute ${command.type}`,
      { attributes: { 'qf.command_id': command.metadata.commandId, 'qf.player_id': playerId } },
      () => {
        const { traceparent } = injectTraceContext<Record<string, string>>({});
        return this.queue.submit(playerId, {
          command,
          requestHash,
          ...(traceparent === undefined ? {} : { traceparent }),
        });
      },
    );
  }

  /** One group: the attempts (transient database errors retried), then each command's answer. */
  private async runGroup(
    playerId: string,
    queued: readonly QueuedCommand[],
  ): Promise<Settled<CommandResult>[]> {
    const limit = this.options.transientAttempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { group, read } = await this.decideAndWrite(playerId, queued);
        return await this.answers(queued, group, read);
      } catch (error) {
        // A failed write may or may not have been applied: the copy is no longer known good.
        this.cache.delete(playerId);
        if (!isTransientDatabaseError(error)) throw error;
        crudMetrics.transientErrors.inc();
        log.warn('database error; trying the commands again', {
          playerId,
          commandIds: queued.map(({ command }) => command.metadata.commandId),
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

  /** Decides the group on the kept copy or the stored document and writes it, OCC loop included. */
  private async decideAndWrite(
    playerId: string,
    queued: readonly QueuedCommand[],
  ): Promise<{ group: CommandGroup; read: CachedPlayer | null }> {
    let cacheTried = false;
    for (let attempt = 1; ; attempt += 1) {
      // Only the first try may use the copy: after a refused write it is stale by definition.
      const cached = cacheTried ? undefined : this.cache.get(playerId);
      cacheTried = true;
      const tried = await this.attempt(playerId, queued, cached, attempt);
      if (tried.written) {
        crudMetrics.attempts.observe(attempt);
        return tried;
      }
      this.cache.delete(playerId);
      if (tried.onCopy) {
        // Another process wrote since this one did: not a race lost, a copy out of date.
        // Read and try again at once, as the same attempt.
        crudMetrics.stateCache.inc({ result: 'stale' });
        attempt -= 1;
        continue;
      }
      crudMetrics.occConflicts.inc();
      if (!mayRetry(attempt, this.retry)) {
        crudMetrics.occExhausted.inc();
        for (const { command } of queued)
          crudMetrics.commands.inc({ type: command.type, outcome: 'conflict' });
        throw versionConflict(playerId, attempt);
      }
      crudMetrics.occRetries.inc();
      await this.sleep(backoffDelay(attempt, this.retry, this.random));
    }
  }

  /** One decision of the group on one copy, and its write when it accepted anything. */
  private async attempt(
    playerId: string,
    queued: readonly QueuedCommand[],
    cached: CachedPlayer | undefined,
    attempt: number,
  ): Promise<Attempt> {
    let doc: CachedPlayer | null = cached ?? (await this.players.load(playerId));
    let group = decideGroup(playerId, queued, doc, this.now(), this.horizonMs);
    let onCopy = cached !== undefined;
    const rejected = group.outcomes.some((outcome) => outcome.kind === 'rejected');
    if (onCopy && rejected && group.accepted.length === 0) {
      // A rejection that writes nothing has no guard to catch a stale copy: only the
      // stored document may refuse a command. (With a write, its guard confirms the copy.)
      crudMetrics.stateCache.inc({ result: 'recheck' });
      doc = await this.players.load(playerId);
      group = decideGroup(playerId, queued, doc, this.now(), this.horizonMs);
      onCopy = false;
    } else if (attempt === 1) {
      crudMetrics.stateCache.inc({ result: onCopy ? 'hit' : 'miss' }, queued.length);
    }
    const read = onCopy ? null : doc;
    if (group.accepted.length === 0) return { written: true, group, read };
    const seen = this.seenAfter(doc, group.accepted);
    const last = group.accepted[group.accepted.length - 1]!;
    const written = doc
      ? await this.players.write(
          groupUpdateFor(
            group.base.version,
            group.next,
            group.accepted,
            this.options.mode,
            this.recentLimit,
            seen,
          ),
          { version: group.next.version, commandId: last.recent.commandId },
        )
      : await this.players.insert(
          groupInsertDocumentFor(
            group.next,
            group.accepted,
            this.options.mode,
            this.recentLimit,
            seen,
          ),
        );
    if (!written) return { written: false, onCopy };
    crudMetrics.commandsPerWrite.observe(group.accepted.length);
    this.cache.set(this.afterWrite(doc, group, seen));
    if (this.options.mode === 'dual-write')
      await this.publishAfterWrite(
        playerId,
        group.accepted.flatMap(({ events }) => events),
      );
    return { written: true, group, read };
  }

  /** Each command's answer once its group is written (or had nothing to write). */
  private answers(
    queued: readonly QueuedCommand[],
    group: CommandGroup,
    read: CachedPlayer | null,
  ): Promise<Settled<CommandResult>[]> {
    return Promise.all(
      group.outcomes.map(async (outcome, index): Promise<Settled<CommandResult>> => {
        const { command } = queued[index]!;
        const count = (kind: string) =>
          crudMetrics.commands.inc({ type: command.type, outcome: kind });
        switch (outcome.kind) {
          case 'accepted':
            count('accepted');
            return { ok: true, value: outcome.result };
          case 'duplicate':
            count('duplicate');
            return { ok: true, value: outcome.result };
          case 'rejected':
            count('rejected');
            return { ok: false, error: outcome.error };
          case 'seen':
            count('duplicate');
            try {
              const value = await readSeenOutcome(
                this.players,
                this.options.outcomes,
                command,
                outcome.match,
                read,
              );
              return { ok: true, value };
            } catch (error) {
              // A dropped connection retries the group (its writes are found applied then).
              if (isTransientDatabaseError(error)) throw error;
              return { ok: false, error };
            }
        }
      }),
    );
  }

  /**
   * The packed ids after this write (undefined: unchanged): the entries the write pushes
   * out of `recent`, added to those still within the horizon. The version guard makes the
   * copy's `recent` the stored one, so these are exactly the entries the $slice drops.
   */
  private seenAfter(
    doc: CachedPlayer | null,
    accepted: readonly AcceptedCommandWrite[],
  ): Buffer | undefined {
    const { evicted } = keepRecent(
      doc?.recent,
      accepted.map(({ recent }) => recent),
      this.recentLimit,
    );
    const update = appendSeen(doc?.seen, evicted, this.now() - this.horizonMs, this.seenLimit);
    if (update.expired > 0)
      crudMetrics.idempotencyForgotten.inc({ reason: 'horizon' }, update.expired);
    if (update.bounded > 0)
      crudMetrics.idempotencyForgotten.inc({ reason: 'bound' }, update.bounded);
    return update.bytes;
  }

  /** The document as this write left it (state and recent commands; the outbox is the relay's). */
  private afterWrite(
    before: CachedPlayer | null,
    group: CommandGroup,
    seen: Buffer | undefined,
  ): CachedPlayer {
    const { kept } = keepRecent(
      before?.recent,
      group.accepted.map(({ recent }) => recent),
      this.recentLimit,
    );
    const packed = seen ?? before?.seen;
    return {
      _id: group.next.id,
      ...toStoredPlayer(group.next),
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
