import {
  decodeCommandReply,
  encodeCommandReply,
  MalformedRecord,
  problemToApiError,
  problemFor,
  playerNotFound,
  type CommandOutcome,
  type EventView,
} from '@qf/contracts';
import type { LedgerEntry } from '../ledger/command-ledger';
import {
  alreadyDecided,
  decodeSnapshot,
  emptySnapshot,
  encodeSnapshot,
  type PlayerSnapshot,
} from '../ledger/player-snapshot';

const entry = (commandId: string, outcome: CommandOutcome): LedgerEntry => ({
  commandId,
  requestHash: `hash-of-${commandId}`,
  outcome,
});
const at = '2026-01-02T03:04:05.006Z';
const view = (commandId: string, index: number, version: number, type: string, data: object) =>
  ({ eventId: `${commandId}:${index}`, type, version, occurredAt: at, data }) as EventView;

/** A player whose ledger holds every shape of outcome: one event, several, a rejection, one that does not follow the derivable pattern. */
const ledgerSnapshot = (): PlayerSnapshot => {
  const registration = entry('c-1', {
    status: 'accepted',
    result: {
      playerId: 'p-1',
      version: 1,
      events: [view('c-1', 0, 1, 'PlayerRegistered', { name: 'Ann', startRoom: 'gate' })],
    },
  });
  return {
    ...emptySnapshot('p-1'),
    commandOffset: '57',
    registration,
    recentCommands: [
      registration,
      entry('c-2', {
        status: 'accepted',
        result: {
          playerId: 'p-1',
          version: 4,
          events: [
            view('c-2', 0, 3, 'DamageTaken', { amount: 120, health: 0 }),
            view('c-2', 1, 4, 'PlayerDied', { roomId: 'gate' }),
          ],
        },
      }),
      entry('c-3', {
        status: 'rejected',
        playerId: 'p-1',
        problem: problemFor(playerNotFound('p-1')),
      }),
      entry('c-4', {
        status: 'accepted',
        result: {
          playerId: 'p-1',
          version: 5,
          events: [{ ...view('c-4', 0, 5, 'PlayerHealed', { amount: 1 }), eventId: 'other' }],
        },
      }),
    ],
  };
};

describe('player snapshot record', () => {
  it('round-trips through its wire form, keyed by player id on the given partition', () => {
    const snapshot = { ...emptySnapshot('p-1'), commandOffset: '41' };
    const message = encodeSnapshot(snapshot, 7);
    expect(message).toMatchObject({ key: 'p-1', partition: 7 });
    expect(decodeSnapshot(Buffer.from(message.value))).toEqual(snapshot);
  });

  it('refuses what is not a snapshot of a known schema', () => {
    expect(() => decodeSnapshot(null)).toThrow(MalformedRecord);
    expect(() => decodeSnapshot('xxx')).toThrow(MalformedRecord);
    expect(() =>
      decodeSnapshot(JSON.stringify({ ...emptySnapshot('p'), schemaVersion: 3 })),
    ).toThrow(/schema 3/);
    expect(() =>
      decodeSnapshot(
        JSON.stringify({ ...emptySnapshot('p'), schemaVersion: 2, recentCommands: [7] }),
      ),
    ).toThrow(MalformedRecord);
  });

  it('packs the recorded outcomes and rebuilds them exactly, whatever their shape', () => {
    const snapshot = ledgerSnapshot();
    const message = encodeSnapshot(snapshot, 3);
    expect(message.value.length).toBeLessThan(JSON.stringify(snapshot).length * 0.7);
    expect(decodeSnapshot(message.value)).toEqual(snapshot);
  });

  it('still reads the records of schema 1 (whole outcomes)', () => {
    const snapshot = ledgerSnapshot();
    expect(decodeSnapshot(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('compares offsets as 64-bit integers', () => {
    const snapshot = { ...emptySnapshot('p'), commandOffset: '9007199254740993' };
    expect(alreadyDecided(snapshot, '9007199254740993')).toBe(true);
    expect(alreadyDecided(snapshot, '9007199254740994')).toBe(false);
    expect(alreadyDecided(emptySnapshot('p'), '0')).toBe(false);
  });
});

describe('command reply record', () => {
  it('carries the gateway in a header and the reply partition explicitly', () => {
    const message = encodeCommandReply(
      {
        commandId: 'c',
        gatewayId: 'gw',
        duplicate: false,
        outcome: { status: 'rejected', playerId: 'p', problem: problemFor(playerNotFound('p')) },
      },
      5,
    );
    expect(message).toMatchObject({
      partition: 5,
      key: 'c',
      headers: { 'qf-reply-to': 'gw', 'qf-status': '404' },
    });
    const fetched = {
      key: Buffer.from(message.key),
      value: Buffer.from(message.value),
      headers: message.headers,
    };
    expect(decodeCommandReply(fetched)).toMatchObject({
      commandId: 'c',
      gatewayId: 'gw',
      status: 404,
    });
    expect(JSON.parse(decodeCommandReply(fetched).body.toString())).toMatchObject({
      code: 'PLAYER.NOT_FOUND',
    });
  });

  it("rebuilds the processor's problem as the same API error on the gateway", () => {
    const problem = problemFor(playerNotFound('p-9'));
    const rebuilt = problemFor(problemToApiError(problem));
    expect(rebuilt).toEqual(problem);
  });
});
