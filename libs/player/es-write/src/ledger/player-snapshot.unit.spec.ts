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
import { initialState } from '@qf/player-domain';
import { decodeLedgerLine, encodeLedgerLine, hashKey, isRegistration } from './ledger-line';
import { decodeLedgerRecord, encodeLedgerRecord } from './ledger-record';
import { decodeSnapshot, encodeSnapshot } from './player-snapshot';

const at = '2026-01-02T03:04:05.006Z';
const view = (commandId: string, index: number, version: number, type: string, data: object) =>
  ({ eventId: `${commandId}:${index}`, type, version, occurredAt: at, data }) as EventView;

/** Every shape of outcome: one event, several, a rejection, one that does not follow the derivable pattern. */
const outcomes: Array<[string, CommandOutcome]> = [
  [
    'c-1',
    {
      status: 'accepted',
      result: {
        playerId: 'p-1',
        version: 1,
        events: [view('c-1', 0, 1, 'PlayerRegistered', { name: 'Ann', startRoom: 'gate' })],
      },
    },
  ],
  [
    'c-2',
    {
      status: 'accepted',
      result: {
        playerId: 'p-1',
        version: 4,
        events: [
          view('c-2', 0, 3, 'DamageTaken', { amount: 120, health: 0 }),
          view('c-2', 1, 4, 'PlayerDied', { roomId: 'gate' }),
        ],
      },
    },
  ],
  ['c-3', { status: 'rejected', playerId: 'p-1', problem: problemFor(playerNotFound('p-1')) }],
  [
    'c-4',
    {
      status: 'accepted',
      result: {
        playerId: 'p-1',
        version: 5,
        events: [{ ...view('c-4', 0, 5, 'PlayerHealed', { amount: 1 }), eventId: 'other' }],
      },
    },
  ],
];

describe('ledger line', () => {
  it.each(outcomes)('rebuilds the outcome of %s exactly', (commandId, outcome) => {
    const decided = { commandId, playerId: 'p-1', hash: hashKey('f'.repeat(64)), outcome };
    const line = encodeLedgerLine(decided);
    expect(line).not.toContain('\n');
    expect(decodeLedgerLine(line)).toEqual(decided);
  });

  it('packs a derivable accepted outcome to its types and data', () => {
    const [commandId, outcome] = outcomes[1]!;
    const line = encodeLedgerLine({ commandId, playerId: 'p-1', hash: 'h', outcome });
    expect(line.length).toBeLessThan(JSON.stringify(outcome).length * 0.6);
  });

  it('keeps 24 characters of the request hash', () => {
    expect(hashKey('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef01234567');
  });

  it('knows a registration', () => {
    const [commandId, outcome] = outcomes[0]!;
    expect(isRegistration({ commandId, playerId: 'p-1', hash: 'h', outcome })).toBe(true);
    expect(
      isRegistration({ commandId, playerId: 'p-1', hash: 'h', outcome: outcomes[2]![1] }),
    ).toBe(false);
  });

  it('refuses what is not a line', () => {
    expect(() => decodeLedgerLine('{')).toThrow(MalformedRecord);
    expect(() => decodeLedgerLine('[1,2,3,4]')).toThrow(MalformedRecord);
    expect(() => decodeLedgerLine('["c","p","h",{"status":"maybe"}]')).toThrow(MalformedRecord);
  });
});

describe('ledger record', () => {
  it('round-trips, keyed by its partition, with the decision time as timestamp', () => {
    const lines = outcomes.map(([commandId, outcome]) =>
      encodeLedgerLine({ commandId, playerId: 'p-1', hash: 'h', outcome }),
    );
    const message = encodeLedgerRecord({ decided: 41, restoreFrom: 7, lines }, 3, 1234);
    expect(message).toMatchObject({ key: '3', partition: 3, timestamp: '1234' });
    expect(decodeLedgerRecord(Buffer.from(message.value))).toEqual({
      decided: 41,
      restoreFrom: 7,
      lines,
    });
    expect(
      decodeLedgerRecord(
        encodeLedgerRecord({ decided: -1, restoreFrom: 0, lines: [] }, 0, 1).value,
      ),
    ).toEqual({
      decided: -1,
      restoreFrom: 0,
      lines: [],
    });
  });

  it('refuses what is not a ledger record', () => {
    expect(() => decodeLedgerRecord(null)).toThrow(MalformedRecord);
    expect(() => decodeLedgerRecord('x')).toThrow(MalformedRecord);
    expect(() => decodeLedgerRecord('{"v":2,"o":1,"e":1}')).toThrow(/version 2/);
    expect(() => decodeLedgerRecord('{"v":1,"o":"1","e":1}')).toThrow(MalformedRecord);
  });
});

describe('player snapshot record', () => {
  const registration = encodeLedgerLine({
    commandId: 'c-1',
    playerId: 'p-1',
    hash: 'h',
    outcome: outcomes[0]![1],
  });
  const state = { ...initialState('p-1'), registered: true, name: 'Ann', version: 9 };

  it('round-trips the state and the registration, keyed by player id on the given partition', () => {
    const message = encodeSnapshot({ state, registration }, 7);
    expect(message).toMatchObject({ key: 'p-1', partition: 7 });
    expect(decodeSnapshot(Buffer.from(message.value))).toEqual({ state, registration });
    expect(decodeSnapshot(encodeSnapshot({ state }, 0).value)).toEqual({ state });
  });

  it('refuses what is not a snapshot of a known schema', () => {
    expect(() => decodeSnapshot('xxx')).toThrow(MalformedRecord);
    expect(() => decodeSnapshot(JSON.stringify({ schemaVersion: 4, state }))).toThrow(/schema 4/);
    expect(() => decodeSnapshot(JSON.stringify({ schemaVersion: 3, state: { id: 7 } }))).toThrow(
      MalformedRecord,
    );
    expect(() =>
      decodeSnapshot(JSON.stringify({ schemaVersion: 3, state, registration: [1] })),
    ).toThrow(MalformedRecord);
  });

  it('still reads schema 2 (packed recent commands) and schema 1 (whole ones), with their decided offset', () => {
    const schema2 = {
      schemaVersion: 2,
      state,
      commandOffset: '57',
      recentCommands: [
        ['c-1', 'hash-of-c-1', 1, at, [['PlayerRegistered', { name: 'Ann', startRoom: 'gate' }]]],
        ['c-3', 'hash-of-c-3', outcomes[2]![1]],
      ],
      registration: [
        'c-1',
        'hash-of-c-1',
        1,
        at,
        [['PlayerRegistered', { name: 'Ann', startRoom: 'gate' }]],
      ],
    };
    const decoded = decodeSnapshot(JSON.stringify(schema2));
    expect(decoded.state).toEqual(state);
    expect(decoded.legacy).toEqual({
      commandOffset: 57,
      recent: [
        { commandId: 'c-1', playerId: 'p-1', hash: 'hash-of-c-1', outcome: outcomes[0]![1] },
        { commandId: 'c-3', playerId: 'p-1', hash: 'hash-of-c-3', outcome: outcomes[2]![1] },
      ],
    });
    expect(decodeLedgerLine(decoded.registration!).outcome).toEqual(outcomes[0]![1]);
    const schema1 = {
      schemaVersion: 1,
      state,
      commandOffset: '3',
      recentCommands: [{ commandId: 'c-2', requestHash: 'x'.repeat(64), outcome: outcomes[1]![1] }],
    };
    expect(decodeSnapshot(JSON.stringify(schema1)).legacy).toEqual({
      commandOffset: 3,
      recent: [
        { commandId: 'c-2', playerId: 'p-1', hash: 'x'.repeat(24), outcome: outcomes[1]![1] },
      ],
    });
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
