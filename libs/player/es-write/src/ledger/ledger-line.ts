import { MalformedRecord, type CommandOutcome, type EventView } from '@qf/contracts';

/** One decided command as the ledger keeps it. */
export interface DecidedCommand {
  readonly commandId: string;
  readonly playerId: string;
  /** The request hash (REQUEST_HASH_CHARS of it): the same key with another body is refused. */
  readonly hash: string;
  readonly outcome: CommandOutcome;
}

/**
 * Characters of the request hash kept. The gateway sends a SHA-256 in hex; 24 hex digits
 * (96 bits) tell two bodies sent with one key apart as surely, in a third of the bytes.
 */
export const REQUEST_HASH_CHARS = 24;

export const hashKey = (requestHash: string): string => requestHash.slice(0, REQUEST_HASH_CHARS);

/**
 * An accepted outcome is mostly derivable: the player id is the line's, event ids are
 * `<commandId>:<index>`, versions count up to the result's and all events of a command share
 * one occurredAt. Such an outcome is kept as [version, occurredAt, [[type, data], …]];
 * anything else (a rejection, or an outcome not of that shape) whole.
 */
type PackedOutcome =
  | readonly [
      version: number,
      occurredAt: string,
      events: ReadonlyArray<readonly [type: EventView['type'], data: EventView['data']]>,
    ]
  | CommandOutcome;

const isDerivable = (commandId: string, playerId: string, outcome: CommandOutcome): boolean => {
  if (outcome.status !== 'accepted') return false;
  const { result } = outcome;
  const { events } = result;
  const first = events[0];
  if (result.playerId !== playerId || !first) return false;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as EventView;
    if (
      event.eventId !== `${commandId}:${index}` ||
      event.version !== result.version - events.length + 1 + index ||
      event.occurredAt !== first.occurredAt ||
      Object.keys(event).length !== 5
    )
      return false;
  }
  return true;
};

export const packOutcome = (
  commandId: string,
  playerId: string,
  outcome: CommandOutcome,
): PackedOutcome => {
  if (outcome.status !== 'accepted' || !isDerivable(commandId, playerId, outcome)) return outcome;
  const { version, events } = outcome.result;
  return [
    version,
    (events[0] as EventView).occurredAt,
    events.map((event) => [event.type, event.data] as const),
  ];
};

export const unpackOutcome = (
  commandId: string,
  playerId: string,
  packed: PackedOutcome,
): CommandOutcome => {
  if (!Array.isArray(packed)) {
    const outcome = packed as CommandOutcome;
    if (outcome?.status !== 'accepted' && outcome?.status !== 'rejected')
      throw new Error('no outcome');
    return outcome;
  }
  const [version, occurredAt, events] = packed as Extract<PackedOutcome, readonly unknown[]>;
  return {
    status: 'accepted',
    result: {
      playerId,
      version,
      events: events.map(
        ([type, data], index) =>
          ({
            eventId: `${commandId}:${index}`,
            type,
            version: version - events.length + 1 + index,
            occurredAt,
            data,
          }) as EventView,
      ),
    },
  };
};

/** The line of one decided command: `[commandId, playerId, hash, packedOutcome]` as JSON (never a raw newline). */
export const encodeLedgerLine = (decided: DecidedCommand): string =>
  JSON.stringify([
    decided.commandId,
    decided.playerId,
    decided.hash,
    packOutcome(decided.commandId, decided.playerId, decided.outcome),
  ]);

/** The ids a line is indexed by, without rebuilding its outcome. */
export const ledgerLineIds = (parsed: unknown): { commandId: string; playerId: string } => {
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 4 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string'
  )
    throw new MalformedRecord('ledger', 'bad line');
  return { commandId: parsed[0], playerId: parsed[1] };
};

/** Parses a ledger line (throws MalformedRecord). */
export const decodeLedgerLine = (line: string): DecidedCommand => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new MalformedRecord('ledger', `line not JSON (${(error as Error).message})`);
  }
  const { commandId, playerId } = ledgerLineIds(parsed);
  try {
    return {
      commandId,
      playerId,
      hash: (parsed as string[])[2] as string,
      outcome: unpackOutcome(commandId, playerId, (parsed as unknown[])[3] as PackedOutcome),
    };
  } catch (error) {
    throw new MalformedRecord('ledger', `bad outcome (${(error as Error).message})`);
  }
};

/** Whether a decided command registered its player (kept for good, past the idempotency horizon). */
export const isRegistration = (decided: DecidedCommand): boolean =>
  decided.outcome.status === 'accepted' &&
  decided.outcome.result.events[0]?.type === 'PlayerRegistered';
