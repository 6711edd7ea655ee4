import {
  ApiError,
  idempotencyKeyReused,
  problemFor,
  salvageReplyTarget,
  type CommandOutcome,
  type CommandReply,
  type ProblemFields,
  type ReplyAddress,
} from '@qf/contracts';
import {
  decodePlayerCommandRecord,
  toCommandResult,
  type PlayerCommandRecord,
} from '@qf/player-wire';
import { initialState, tryDecide, type PlayerEvent, type PlayerState } from '@qf/player-domain';
import type { TraceCarrier } from '@qf/shared-observability';
import type { IndexedCommand } from '../ledger/idempotency-index';
import { decodeLedgerLine, encodeLedgerLine, hashKey } from '../ledger/ledger-line';

/** A record fetched from one partition of player.commands. */
export interface InboundCommand {
  readonly partition: number;
  readonly offset: number;
  /** The record's timestamp (ms since the epoch), when known. */
  readonly timestamp?: number;
  readonly key: string | null;
  readonly value: Buffer | string | null;
  /** The record's headers, kept only when tracing is on (for its `traceparent`). */
  readonly headers?: TraceCarrier;
}

/** A player as a slot holds it: the folded state and its registering command (kept for good). */
export interface PlayerRecord {
  readonly state: PlayerState;
  readonly partition: number;
  readonly registration?: { readonly commandId: string; readonly line: string };
}

/** What deciding reads: the committed state of the slot. */
export interface DecisionView {
  player(playerId: string): PlayerRecord | undefined;
  /** A command id decided within the idempotency horizon. */
  decidedCommand(playerId: string, commandId: string): IndexedCommand | undefined;
  /** Offset of the last command decided on `partition` (-1: none). */
  decidedOffset(partition: number): number;
}

/** A command that could not be decided at all (not a rejection): it goes to the dead-letter topic. */
export interface UndecidableCommand {
  readonly command: InboundCommand;
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly name?: string;
    readonly stack?: string;
  };
}

/** A reply to produce (after the commit), to the partition the waiting gateway reads. */
export interface RoutedReply {
  readonly partition: number;
  readonly reply: CommandReply;
}

/** A newly decided command, for the ledger and the idempotency index. */
export interface DecidedLine {
  readonly commandId: string;
  readonly playerId: string;
  readonly line: string;
}

/** What a batch decided on one input partition. */
export interface PartitionDecision {
  /** Offset of the last command of the batch on this partition (decided, skipped or answered again). */
  lastOffset: number;
  readonly events: PlayerEvent[];
  readonly lines: DecidedLine[];
}

/** Everything one transaction writes for a batch of commands from one slot. */
export interface BatchDecision {
  readonly partitions: Map<number, PartitionDecision>;
  /** The new record of every player whose state or registration changed, in first-touch order. */
  readonly players: Map<string, PlayerRecord>;
  /** Sent after the commit (none of it is written in the transaction). */
  readonly replies: RoutedReply[];
  readonly deadLetters: UndecidableCommand[];
  readonly counts: BatchCounts;
}

export interface BatchCounts {
  accepted: number;
  rejected: number;
  /** A command id decided before: the first outcome was replied again (or 422 for another body). */
  duplicates: number;
  /** At or below the partition's decided offset (redelivered after a rebalance): skipped. */
  redelivered: number;
  deadLettered: number;
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

const describe = (error: unknown): UndecidableCommand['error'] => {
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

/** A decision made earlier in this batch, found by command id before the committed index. */
interface Fresh {
  readonly playerId: string;
  readonly hash: string;
  readonly outcome: CommandOutcome;
}

/**
 * Decides a batch of commands from the partitions of one slot, in order, without touching
 * the slot's state: the returned records, lines and offsets are applied by the caller only
 * once the transaction that writes them has committed.
 *
 * Per command: skip it when the partition's decided offset is at or past it (a committed
 * transaction decided it); answer the first outcome again for a command id decided within
 * the idempotency horizon (or the player's registration) with the same request hash, 422
 * for another hash; otherwise decide, and record a ledger line with the outcome (accepted
 * or rejected). A command that throws something other than a DomainError is dead-lettered
 * and answered (and recorded) with a 500 problem.
 */
export const decideBatch = (
  view: DecisionView,
  commands: readonly InboundCommand[],
): BatchDecision => {
  const batch = new BatchDecider(view);
  for (const inbound of commands) batch.decide(inbound);
  return batch.result();
};

/** The state of one decideBatch call: what this batch decided so far, before any commit. */
class BatchDecider {
  private readonly partitions = new Map<number, PartitionDecision>();
  private readonly players = new Map<string, PlayerRecord>();
  private readonly fresh = new Map<string, Fresh[]>();
  private readonly replies: RoutedReply[] = [];
  private readonly deadLetters: UndecidableCommand[] = [];
  private readonly counts: BatchCounts = {
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    redelivered: 0,
    deadLettered: 0,
  };

  constructor(private readonly view: DecisionView) {}

  result(): BatchDecision {
    const { partitions, players, replies, deadLetters, counts } = this;
    return { partitions, players, replies, deadLetters, counts };
  }

  decide(inbound: InboundCommand): void {
    const decided = this.partitionOf(inbound.partition);
    if (inbound.offset <= decided.lastOffset) {
      this.counts.redelivered += 1;
      return;
    }
    decided.lastOffset = inbound.offset;
    const record = this.decodeOrDeadLetter(inbound);
    if (!record) return;

    const playerId = inbound.key as string;
    const { command, requestHash, replyTo } = record;
    const { commandId } = command.metadata;
    const hash = hashKey(requestHash);
    const before = this.players.get(playerId) ?? this.view.player(playerId);

    const first = this.earlier(before, playerId, commandId);
    if (first) {
      this.counts.duplicates += 1;
      if (first.hash === hash) this.reply(replyTo, commandId, first.outcome, true);
      else
        this.reply(
          replyTo,
          commandId,
          { status: 'rejected', playerId, problem: problemFor(idempotencyKeyReused(commandId)) },
          false,
        );
      return;
    }

    const { outcome, after } = this.apply(
      inbound,
      command,
      before?.state ?? initialState(playerId),
    );
    this.reply(replyTo, commandId, outcome, false);
    const line = encodeLedgerLine({ commandId, playerId, hash, outcome });
    decided.lines.push({ commandId, playerId, line });
    const sameId = this.fresh.get(commandId);
    if (sameId) sameId.push({ playerId, hash, outcome });
    else this.fresh.set(commandId, [{ playerId, hash, outcome }]);
    if (after) {
      const registers = command.type === 'RegisterPlayer';
      this.players.set(playerId, {
        state: after,
        partition: inbound.partition,
        ...(registers
          ? { registration: { commandId, line } }
          : before?.registration
            ? { registration: before.registration }
            : {}),
      });
    }
  }

  /** Runs the decider; its events go to the partition's decision, a crash to the dead letters. */
  private apply(
    inbound: InboundCommand,
    command: PlayerCommandRecord['command'],
    state: PlayerState,
  ): { outcome: CommandOutcome; after?: PlayerState } {
    const playerId = inbound.key as string;
    const { commandId } = command.metadata;
    try {
      const decision = tryDecide(command, state);
      if (!decision.ok) {
        this.counts.rejected += 1;
        return { outcome: { status: 'rejected', playerId, problem: problemFor(decision.error) } };
      }
      this.partitionOf(inbound.partition).events.push(...decision.events);
      this.counts.accepted += 1;
      const after = decision.state;
      return {
        outcome: {
          status: 'accepted',
          result: toCommandResult(playerId, after.version, decision.events),
        },
        after,
      };
    } catch (error) {
      this.counts.deadLettered += 1;
      this.deadLetters.push({ command: inbound, error: describe(error) });
      return { outcome: { status: 'rejected', playerId, problem: deadLetteredProblem(commandId) } };
    }
  }

  /** The command record, or undefined once it is dead-lettered (and its sender answered when found). */
  private decodeOrDeadLetter(inbound: InboundCommand): PlayerCommandRecord | undefined {
    try {
      if (inbound.key === null || inbound.key === '')
        throw new Error('command record without a key (player id)');
      return decodePlayerCommandRecord(inbound.value);
    } catch (error) {
      // Nothing to decide or to record it by; answer the sender when it can be found.
      this.counts.deadLettered += 1;
      this.deadLetters.push({ command: inbound, error: describe(error) });
      const target = salvageReplyTarget(inbound.value);
      if (target)
        this.reply(
          target.replyTo,
          target.commandId,
          {
            status: 'rejected',
            playerId: inbound.key ?? '',
            problem: deadLetteredProblem(target.commandId),
          },
          false,
        );
      return undefined;
    }
  }

  private partitionOf(partition: number): PartitionDecision {
    let decision = this.partitions.get(partition);
    if (!decision) {
      decision = { lastOffset: this.view.decidedOffset(partition), events: [], lines: [] };
      this.partitions.set(partition, decision);
    }
    return decision;
  }

  private reply(
    replyTo: ReplyAddress | undefined,
    commandId: string,
    outcome: CommandOutcome,
    duplicate: boolean,
  ): void {
    if (replyTo)
      this.replies.push({
        partition: replyTo.partition,
        reply: { commandId, gatewayId: replyTo.gatewayId, outcome, duplicate },
      });
  }

  /** The first decision of commandId for this player: in this batch, the registration, or the index. */
  private earlier(record: PlayerRecord | undefined, playerId: string, commandId: string) {
    const inBatch = this.fresh.get(commandId)?.find((entry) => entry.playerId === playerId);
    if (inBatch) return inBatch;
    const line =
      record?.registration?.commandId === commandId
        ? record.registration.line
        : this.view.decidedCommand(playerId, commandId)?.line;
    return line === undefined ? undefined : decodeLedgerLine(line);
  }
}
