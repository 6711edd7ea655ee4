import { fromStoredPlayer, initialState, tryDecide, type PlayerCommand, type PlayerState } from '@qf/player-domain';
import {
  idempotencyKeyReused,
  serviceUnavailable,
  toCommandResult,
  versionConflict,
  type CommandResult,
} from '@qf/contracts';
import { createLogger } from '@qf/shared-observability';
import { crudMetrics } from '../crud-metrics';
import type { PlayerRepository } from '../document/player-repository';
import { isTransientDatabaseError } from '../document/transient-errors';
import {
  DEFAULT_RECENT_COMMANDS,
  findRecent,
  outcomeOf,
  recentCommandFor,
} from '../document/recent-commands';
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  mayRetry,
  type RetryPolicy,
} from '../occ/retry-policy';
import { guardedUpdateFor, insertDocumentFor, type AuditMode } from '../outbox/outbox-writes';
import type { OutboxHintWriter } from '../outbox/outbox-hints';
import type { AuditPublisher } from './audit-publisher';

export interface CrudExecutorOptions {
  readonly mode: AuditMode;
  readonly retry?: RetryPolicy;
  /** How many accepted command ids each document remembers for idempotency. */
  readonly recentLimit?: number;
  /** Attempts in all when the database connection fails (not counted as OCC conflicts). */
  readonly transientAttempts?: number;
  /** Required in dual-write mode. */
  readonly publisher?: AuditPublisher;
  /** Outbox mode: tells the relay which outbox got entries (without it the relay's sweep finds them). */
  readonly hints?: Pick<OutboxHintWriter, 'mark'>;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

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
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly players: PlayerRepository,
    private readonly options: CrudExecutorOptions,
  ) {
    if (options.mode === 'dual-write' && !options.publisher)
      throw new TypeError('dual-write mode needs an AuditPublisher');
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.recentLimit = options.recentLimit ?? DEFAULT_RECENT_COMMANDS;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
  }

  get mode(): AuditMode {
    return this.options.mode;
  }

  async execute(command: PlayerCommand, requestHash: string): Promise<CommandResult> {
    const limit = this.options.transientAttempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.decideAndWrite(command, requestHash);
      } catch (error) {
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
  ): Promise<CommandResult> {
    const playerId = command.data.playerId;
    const { commandId } = command.metadata;
    for (let attempt = 1; ; attempt += 1) {
      const doc = await this.players.load(playerId);
      const seen = findRecent(doc?.recent, commandId);
      if (seen) {
        // The first outcome, and nothing written: the key was already consumed here.
        if (seen.requestHash !== requestHash) throw idempotencyKeyReused(commandId);
        crudMetrics.commands.inc({ type: command.type, outcome: 'duplicate' });
        return outcomeOf(playerId, seen);
      }
      const state = doc ? fromStoredPlayer(doc._id, doc) : initialState(playerId);
      const decision = tryDecide(stampedAfter(command, state), state);
      if (!decision.ok) {
        crudMetrics.commands.inc({ type: command.type, outcome: 'rejected' });
        throw decision.error;
      }
      const { events, state: next } = decision;
      const recent = recentCommandFor(commandId, requestHash, events);
      const written = doc
        ? await this.players.write(
            guardedUpdateFor(
              state.version,
              next,
              events,
              recent,
              this.options.mode,
              this.recentLimit,
            ),
          )
        : await this.players.insert(insertDocumentFor(next, events, recent, this.options.mode));
      if (written) {
        crudMetrics.attempts.observe(attempt);
        crudMetrics.commands.inc({ type: command.type, outcome: 'accepted' });
        if (this.options.mode === 'outbox') this.options.hints?.mark(playerId, next.version);
        if (this.options.mode === 'dual-write') await this.publishAfterWrite(playerId, events);
        return toCommandResult(playerId, next.version, events);
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
