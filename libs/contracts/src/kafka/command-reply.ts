import type { IHeaders, Message } from 'kafkajs';
import type { CommandResult } from '../api/command-result';
import type { ProblemFields } from '../api/api-error';
import { MalformedRecord, type CommandOutcome, type CommandReply } from './command-record';
import { HEADERS } from './headers';

/** The status a reply record carries for an accepted command (a rejection carries its problem's). */
export const ACCEPTED_STATUS = 200;

/**
 * The wire form of a reply, produced to the waiting gateway's partition of command.replies:
 * key = command id, value = the answer's JSON exactly as the client gets it (the
 * CommandResult of an accepted command, the problem of a rejected one), headers = the
 * gateway it is for and the HTTP status (plus `qf-duplicate: 1` for a replayed first
 * outcome). The gateway routes and answers from the key and headers and passes the value's
 * bytes through: it never parses a reply nor serializes an answer again.
 */
export const encodeCommandReply = (
  reply: CommandReply,
  partition: number,
): Message & { key: string; value: string; partition: number; headers: IHeaders } => {
  const { outcome } = reply;
  const accepted = outcome.status === 'accepted';
  return {
    key: reply.commandId,
    value: JSON.stringify(accepted ? outcome.result : outcome.problem),
    partition,
    headers: {
      [HEADERS.replyTo]: reply.gatewayId,
      [HEADERS.status]: String(accepted ? ACCEPTED_STATUS : outcome.problem.status),
      ...(reply.duplicate ? { [HEADERS.duplicate]: '1' } : {}),
    },
  };
};

/** A reply record as the gateway reads it: routing fields from key and headers, the answer as bytes. */
export interface ReplyView {
  readonly commandId: string;
  readonly gatewayId: string;
  /** 200: accepted, the body is a CommandResult; otherwise the body is that status's problem. */
  readonly status: number;
  readonly duplicate: boolean;
  /** The answer's JSON, to send as it is. */
  readonly body: Buffer;
}

/** What kafkajs hands over for a fetched record (as far as a reply needs). */
export interface FetchedRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

const headerBuffer = (headers: IHeaders | undefined, name: string): Buffer | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'string' ? Buffer.from(first) : first;
};

/** The first version's reply value: the whole CommandReply as JSON (read during a rolling upgrade). */
const legacyReply = (value: Buffer): ReplyView => {
  let raw: CommandReply;
  try {
    raw = JSON.parse(value.toString('utf8')) as CommandReply;
  } catch (error) {
    throw new MalformedRecord('reply', `not JSON (${(error as Error).message})`);
  }
  const outcome = raw?.outcome;
  if (typeof raw?.commandId !== 'string' || typeof raw.gatewayId !== 'string')
    throw new MalformedRecord('reply', 'no command or gateway id');
  if (outcome?.status !== 'accepted' && outcome?.status !== 'rejected')
    throw new MalformedRecord('reply', 'no outcome');
  const accepted = outcome.status === 'accepted';
  return {
    commandId: raw.commandId,
    gatewayId: raw.gatewayId,
    status: accepted ? ACCEPTED_STATUS : outcome.problem.status,
    duplicate: raw.duplicate === true,
    body: Buffer.from(JSON.stringify(accepted ? outcome.result : outcome.problem)),
  };
};

/** Reads a reply record without parsing its value; throws MalformedRecord. */
export const decodeCommandReply = (record: FetchedRecord): ReplyView => {
  const { key, value, headers } = record;
  if (value === null) throw new MalformedRecord('reply', 'empty value');
  const status = headerBuffer(headers, HEADERS.status);
  if (status === undefined) return legacyReply(value);
  const gatewayId = headerBuffer(headers, HEADERS.replyTo);
  if (key === null || gatewayId === undefined)
    throw new MalformedRecord('reply', 'no command or gateway id');
  const code = Number(status.toString('latin1'));
  if (!Number.isInteger(code) || code < 200 || code > 599)
    throw new MalformedRecord('reply', `bad status ${status.toString('latin1')}`);
  return {
    commandId: key.toString('utf8'),
    gatewayId: gatewayId.toString('utf8'),
    status: code,
    duplicate: headerBuffer(headers, HEADERS.duplicate)?.toString('latin1') === '1',
    body: value,
  };
};

/**
 * A reply record as the whole CommandReply (the outcome parsed), for tests and tools that
 * inspect replies; the gateway itself uses decodeCommandReply and never parses the value.
 * A rejection's playerId is the problem's, when it names one.
 */
export const readCommandReply = (record: FetchedRecord): CommandReply => {
  const view = decodeCommandReply(record);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(view.body.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new MalformedRecord('reply', `not JSON (${(error as Error).message})`);
  }
  const outcome: CommandOutcome =
    view.status === ACCEPTED_STATUS
      ? { status: 'accepted', result: body as unknown as CommandResult }
      : {
          status: 'rejected',
          playerId: typeof body['playerId'] === 'string' ? body['playerId'] : '',
          problem: body as unknown as ProblemFields,
        };
  return {
    commandId: view.commandId,
    gatewayId: view.gatewayId,
    duplicate: view.duplicate,
    outcome,
  };
};
