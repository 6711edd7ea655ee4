import type { CommandOutcome, EventView } from '@qf/contracts';
import type { LedgerEntry } from './command-ledger';

/**
 * A ledger entry as a snapshot record stores it. An accepted outcome is mostly derivable
 * (the player id is the snapshot's, event ids are `<commandId>:<index>`, versions count up
 * to the result's, one occurredAt for all events of a command), so only its type/data
 * pairs are kept: the snapshot is written for every touched player in every transaction,
 * and the full outcomes made up most of its bytes. Anything not of that shape is stored whole.
 */
export type PackedLedgerEntry =
  | readonly [commandId: string, requestHash: string, outcome: CommandOutcome]
  | readonly [
      commandId: string,
      requestHash: string,
      version: number,
      occurredAt: string,
      events: ReadonlyArray<readonly [type: EventView['type'], data: EventView['data']]>,
    ];

/** Whether unpack(pack(entry)) rebuilds the accepted outcome exactly from its compact form. */
const isDerivable = (entry: LedgerEntry, playerId: string): boolean => {
  const { outcome, commandId } = entry;
  if (outcome.status !== 'accepted') return false;
  const { result } = outcome;
  const { events } = result;
  const first = events[0];
  if (result.playerId !== playerId || !first) return false;
  return events.every(
    (event, index) =>
      event.eventId === `${commandId}:${index}` &&
      event.version === result.version - events.length + 1 + index &&
      event.occurredAt === first.occurredAt &&
      Object.keys(event).length === 5,
  );
};

export const packLedgerEntry = (entry: LedgerEntry, playerId: string): PackedLedgerEntry => {
  const { commandId, requestHash, outcome } = entry;
  if (outcome.status !== 'accepted' || !isDerivable(entry, playerId))
    return [commandId, requestHash, outcome];
  const { version, events } = outcome.result;
  return [
    commandId,
    requestHash,
    version,
    (events[0] as EventView).occurredAt,
    events.map((event) => [event.type, event.data] as const),
  ];
};

export const unpackLedgerEntry = (packed: PackedLedgerEntry, playerId: string): LedgerEntry => {
  if (packed.length === 3) {
    const [commandId, requestHash, outcome] = packed;
    return { commandId, requestHash, outcome };
  }
  const [commandId, requestHash, version, occurredAt, events] = packed;
  return {
    commandId,
    requestHash,
    outcome: {
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
    },
  };
};
