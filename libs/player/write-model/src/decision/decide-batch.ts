import {
  ApiError,
  decodeCommandRecord,
  idempotencyKeyReused,
  problemFor,
  salvageReplyTarget,
  toCommandResult,
  type CommandOutcome,
  type CommandRecord,
  type CommandReply,
  type ProblemFields,
  type ReplyAddress,
} from '@qf/contracts';
import { tryDecide, type PlayerEvent } from '@qf/player-domain';
import { lookupCommand, recordCommand } from '../ledger/command-ledger';
import { alreadyDecided, emptySnapshot, type PlayerSnapshot } from '../ledger/player-snapshot';

/** A record fetched from one partition of player.commands. */
export interface InboundCommand {
  readonly offset: string;
  /** The record's timestamp (ms since the epoch, as a string), when known. */
  readonly timestamp?: string;
  readonly key: string | null;
  readonly value: Buffer | string | null;
}

/** A command that could not be decided at all (not a rejection): it goes to the dead-letter topic. */
export interface DeadLetter {
  readonly command: InboundCommand;
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly name?: string;
    readonly stack?: string;
  };
}

/** A reply to produce, to the partition the waiting gateway reads. */
export interface RoutedReply {
  readonly partition: number;
  readonly reply: CommandReply;
}

/** Everything one transaction writes for a batch of commands from one partition. */
export interface BatchDecision {
  /** New events in decision order (versions gapless per player). */
  readonly events: PlayerEvent[];
  /** The new snapshot of every player the batch touched, in first-touch order. */
  readonly snapshots: PlayerSnapshot[];
  readonly replies: RoutedReply[];
  readonly deadLetters: DeadLetter[];
  readonly counts: BatchCounts;
}

export interface BatchCounts {
  accepted: number;
  rejected: number;
  /** A command id seen before: the first outcome was replied again. */
  duplicates: number;
  /** Decided by an earlier owner's committed transaction (redelivered after a rebalance): skipped. */
  redelivered: number;
  deadLettered: number;
}

export interface DecideBatchOptions {
  /** Recent command ids kept per player. */
  readonly dedupWindow: number;
}

/** The problem a command that crashed the decider is answered with (its details stay in the dead-letter record). */
export const deadLetteredProblem = (commandId: string): ProblemFields =>
  problemFor(
    new ApiError(
      'COMMAND.DEAD_LETTERED',
      500,
      `command ${commandId} could not be processed and was dead-lettered`,
      { commandId },
    ),
  );

const describe = (error: unknown): DeadLetter['error'] => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' ? code : 'COMMAND.CRASHED',
      name: error.name,
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { code: 'COMMAND.CRASHED', message: String(error) };
};

/**
 * Decides a batch of commands from one partition against the partition's state, without
 * touching it: `snapshotOf` gives the committed snapshot, and the returned snapshots are
 * applied by the caller only once the transaction that writes them has committed (an
 * aborted transaction leaves the state as it was).
 *
 * Per command: skip it when an earlier committed transaction decided it (its offset is at
 * or below the player's commandOffset); answer the first outcome again for a known command
 * id (one of the recent ones, or the registration) with the same request hash; refuse a
 * known id with another hash (422); otherwise
 * decide, and record id, hash and outcome in the player's snapshot. A command that throws
 * something other than a DomainError is dead-lettered and answered with a 500 problem.
 */
export const decideBatch = (
  snapshotOf: (playerId: string) => PlayerSnapshot | undefined,
  commands: readonly InboundCommand[],
  options: DecideBatchOptions,
): BatchDecision => {
  const touched = new Map<string, PlayerSnapshot>();
  const events: PlayerEvent[] = [];
  const replies: RoutedReply[] = [];
  const deadLetters: DeadLetter[] = [];
  const counts: BatchCounts = {
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    redelivered: 0,
    deadLettered: 0,
  };

  const current = (playerId: string) =>
    touched.get(playerId) ?? snapshotOf(playerId) ?? emptySnapshot(playerId);
  const reply = (
    replyTo: ReplyAddress | undefined,
    commandId: string,
    outcome: CommandOutcome,
    duplicate: boolean,
  ) => {
    if (replyTo)
      replies.push({
        partition: replyTo.partition,
        reply: { commandId, gatewayId: replyTo.gatewayId, outcome, duplicate },
      });
  };

  for (const inbound of commands) {
    let record: CommandRecord;
    try {
      if (inbound.key === null || inbound.key === '')
        throw new Error('command record without a key (player id)');
      record = decodeCommandRecord(inbound.value);
    } catch (error) {
      // Nothing to decide or to record it in; answer the sender when it can be found.
      counts.deadLettered += 1;
      deadLetters.push({ command: inbound, error: describe(error) });
      const target = salvageReplyTarget(inbound.value);
      if (target) {
        reply(
          target.replyTo,
          target.commandId,
          {
            status: 'rejected',
            playerId: inbound.key ?? '',
            problem: deadLetteredProblem(target.commandId),
          },
          false,
        );
      }
      continue;
    }

    const playerId = inbound.key;
    const { command, requestHash, replyTo } = record;
    const { commandId } = command.metadata;
    const before = current(playerId);

    if (alreadyDecided(before, inbound.offset)) {
      // Its events, snapshot and reply were committed together with the offset that an
      // earlier owner's transaction moved past: nothing is left to do, not even a reply.
      counts.redelivered += 1;
      continue;
    }

    const seen =
      before.registration?.commandId === commandId
        ? lookupCommand([before.registration], commandId, requestHash)
        : lookupCommand(before.recentCommands, commandId, requestHash);
    if (seen.kind !== 'new') {
      const outcome: CommandOutcome =
        seen.kind === 'duplicate'
          ? seen.first.outcome
          : { status: 'rejected', playerId, problem: problemFor(idempotencyKeyReused(commandId)) };
      counts.duplicates += 1;
      reply(replyTo, commandId, outcome, seen.kind === 'duplicate');
      touched.set(playerId, { ...before, commandOffset: inbound.offset });
      continue;
    }

    let outcome: CommandOutcome;
    let state = before.state;
    try {
      const decision = tryDecide(command, before.state);
      if (decision.ok) {
        events.push(...decision.events);
        state = decision.state;
        outcome = {
          status: 'accepted',
          result: toCommandResult(playerId, state.version, decision.events),
        };
        counts.accepted += 1;
      } else {
        outcome = { status: 'rejected', playerId, problem: problemFor(decision.error) };
        counts.rejected += 1;
      }
    } catch (error) {
      counts.deadLettered += 1;
      deadLetters.push({ command: inbound, error: describe(error) });
      outcome = { status: 'rejected', playerId, problem: deadLetteredProblem(commandId) };
    }

    reply(replyTo, commandId, outcome, false);
    const entry = { commandId, requestHash, outcome };
    touched.set(playerId, {
      ...before,
      state,
      commandOffset: inbound.offset,
      recentCommands: recordCommand(before.recentCommands, entry, options.dedupWindow),
      ...(command.type === 'RegisterPlayer' && outcome.status === 'accepted'
        ? { registration: entry }
        : {}),
    });
  }

  return { events, snapshots: [...touched.values()], replies, deadLetters, counts };
};
