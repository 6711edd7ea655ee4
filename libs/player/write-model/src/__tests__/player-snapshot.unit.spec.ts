import {
  decodeCommandReply,
  encodeCommandReply,
  MalformedRecord,
  problemToApiError,
  problemFor,
  playerNotFound,
} from '@qf/contracts';
import {
  alreadyDecided,
  decodeSnapshot,
  emptySnapshot,
  encodeSnapshot,
} from '../ledger/player-snapshot';

describe('player snapshot record', () => {
  it('round-trips through its wire form, keyed by player id on the given partition', () => {
    const snapshot = { ...emptySnapshot('p-1'), commandOffset: '41' };
    const message = encodeSnapshot(snapshot, 7);
    expect(message).toMatchObject({ key: 'p-1', partition: 7 });
    expect(decodeSnapshot(Buffer.from(message.value))).toEqual(snapshot);
  });

  it('refuses what is not a snapshot of this schema', () => {
    expect(() => decodeSnapshot(null)).toThrow(MalformedRecord);
    expect(() => decodeSnapshot('xxx')).toThrow(MalformedRecord);
    expect(() =>
      decodeSnapshot(JSON.stringify({ ...emptySnapshot('p'), schemaVersion: 2 })),
    ).toThrow(/schema 2/);
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
    expect(message).toMatchObject({ partition: 5, key: 'c', headers: { 'qf-reply-to': 'gw' } });
    expect(decodeCommandReply(message.value)).toMatchObject({
      commandId: 'c',
      outcome: { status: 'rejected' },
    });
  });

  it("rebuilds the processor's problem as the same API error on the gateway", () => {
    const problem = problemFor(playerNotFound('p-9'));
    const rebuilt = problemFor(problemToApiError(problem));
    expect(rebuilt).toEqual(problem);
  });
});
