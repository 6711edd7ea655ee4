import type { Message } from 'kafkajs';
import type { CommandResult } from '../api/command-result';
import { ApiError, type ProblemFields } from '../api/api-error';
import type { CommandMessage } from '../wire/player-messages';

/** Where the processor sends the decision: the gateway instance and its reply partition. */
export interface ReplyAddress {
  readonly gatewayId: string;
  readonly partition: number;
}

/**
 * A command on player.commands (key = player id). The edges type the command: the
 * gateway writes `CommandRecord<PlayerCommand>`, the processor reads one (see @qf/player-wire).
 */
export interface CommandRecord<C extends CommandMessage = CommandMessage> {
  readonly command: C;
  /** Hash of the request body: the same Idempotency-Key with another body is refused. */
  readonly requestHash: string;
  /** Absent in async mode (`Prefer: respond-async`): nobody waits for the decision. */
  readonly replyTo?: ReplyAddress;
}

/** The decision for one command, as the processor records and replies it. */
export type CommandOutcome =
  | { readonly status: 'accepted'; readonly result: CommandResult }
  | { readonly status: 'rejected'; readonly playerId: string; readonly problem: ProblemFields };

/** A record on command.replies, produced to the gateway's reply partition. */
export interface CommandReply {
  readonly commandId: string;
  readonly gatewayId: string;
  readonly outcome: CommandOutcome;
  /** True when the command id had been decided before: this is the first outcome, replayed. */
  readonly duplicate: boolean;
}

/** A record on a write-path topic that is not what the topic carries (poison). */
export class MalformedRecord extends Error {
  readonly code = 'RECORD.MALFORMED';
  readonly retriable = false;
  constructor(
    readonly topicKind: 'command' | 'reply' | 'snapshot' | 'ledger',
    reason: string,
  ) {
    super(`malformed ${topicKind} record: ${reason}`);
  }
}

const parseObject = (
  value: Buffer | string | null,
  kind: 'command' | 'reply',
): Record<string, unknown> => {
  if (value === null) throw new MalformedRecord(kind, 'empty value');
  let raw: unknown;
  try {
    raw = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new MalformedRecord(kind, `not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new MalformedRecord(kind, 'not an object');
  return raw as Record<string, unknown>;
};

const isReplyAddress = (value: unknown): value is ReplyAddress =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as ReplyAddress).gatewayId === 'string' &&
  Number.isInteger((value as ReplyAddress).partition) &&
  (value as ReplyAddress).partition >= 0;

/**
 * The wire form of a command: key = player id (the partitioning key of the whole write
 * path), value = the CommandRecord JSON, and no headers: nothing reads them (the processor
 * parses the value anyway), and each one costs encoding on the gateway, bytes on the broker
 * and decoding on the processor for every command. The one exception: with tracing on,
 * the gateway adds `traceparent` (traceMessage in @qf/shared-observability).
 */
export const encodeCommandRecord = (
  record: CommandRecord,
): Message & { key: string; value: string } => ({
  key: record.command.data.playerId,
  value: JSON.stringify(record),
});

/**
 * Parses a command record far enough to route and deduplicate it: the command itself is
 * checked by the decider (an unknown type or a wrong shape is a rejection, not poison).
 * Throws MalformedRecord when there is no command id or request hash to work with.
 */
export const decodeCommandRecord = (value: Buffer | string | null): CommandRecord => {
  const raw = parseObject(value, 'command');
  const command = raw['command'] as { metadata?: { commandId?: unknown } } | undefined;
  if (typeof command !== 'object' || command === null)
    throw new MalformedRecord('command', 'no command');
  if (typeof command.metadata?.commandId !== 'string' || command.metadata.commandId === '') {
    throw new MalformedRecord('command', 'no command id');
  }
  if (typeof raw['requestHash'] !== 'string')
    throw new MalformedRecord('command', 'no request hash');
  if (raw['replyTo'] !== undefined && !isReplyAddress(raw['replyTo']))
    throw new MalformedRecord('command', 'bad replyTo');
  return raw as unknown as CommandRecord;
};

/** Best effort: where a record that could not be decoded wanted its reply (so its sender is not left waiting). */
export const salvageReplyTarget = (
  value: Buffer | string | null,
): { commandId: string; replyTo: ReplyAddress } | undefined => {
  try {
    const raw = parseObject(value, 'command');
    const commandId = (raw['command'] as { metadata?: { commandId?: unknown } } | undefined)
      ?.metadata?.commandId;
    const replyTo = raw['replyTo'];
    return typeof commandId === 'string' && isReplyAddress(replyTo)
      ? { commandId, replyTo }
      : undefined;
  } catch {
    return undefined;
  }
};

const PROBLEM_BASE_FIELDS = new Set(['type', 'title', 'status', 'code', 'detail', 'retriable']);

/**
 * The error a rejected outcome stands for, rebuilt on the gateway so the API layer's one
 * problem mapping answers it (same code, status, detail and extensions as the processor saw).
 */
export const problemToApiError = (problem: ProblemFields): ApiError =>
  new ApiError(
    problem.code,
    problem.status,
    problem.detail,
    Object.fromEntries(
      Object.entries(problem).filter(([field]) => !PROBLEM_BASE_FIELDS.has(field)),
    ),
    problem.retriable === true,
  );
