import { playerNotFound } from '../api/api-error';
import type { CommandResult } from '../api/command-result';
import { problemFor } from '../api/problem-mapping';
import { MalformedRecord, type CommandReply } from './command-record';
import { decodeCommandReply, encodeCommandReply, readCommandReply } from './command-reply';

const fetched = (message: { key: string; value: string; headers: Record<string, unknown> }) => ({
  key: Buffer.from(message.key),
  value: Buffer.from(message.value),
  headers: Object.fromEntries(
    Object.entries(message.headers).map(([name, value]) => [name, Buffer.from(String(value))]),
  ),
});

const result: CommandResult = { playerId: 'p-1', version: 3, events: [] };

const accepted: CommandReply = {
  commandId: 'c-1',
  gatewayId: 'gw-a',
  duplicate: false,
  outcome: { status: 'accepted', result: result },
};

describe('command reply record', () => {
  it("carries the answer's JSON as the value, and routing in the key and headers", () => {
    const message = encodeCommandReply(accepted, 4);
    expect(message).toMatchObject({
      key: 'c-1',
      partition: 4,
      headers: { 'qf-reply-to': 'gw-a', 'qf-status': '200' },
    });
    expect(JSON.parse(message.value)).toEqual({ playerId: 'p-1', version: 3, events: [] });
    expect(decodeCommandReply(fetched(message))).toEqual({
      commandId: 'c-1',
      gatewayId: 'gw-a',
      status: 200,
      duplicate: false,
      body: Buffer.from(message.value),
    });
  });

  it('answers a rejection with its problem and status, and marks a replayed outcome', () => {
    const problem = problemFor(playerNotFound('p-2'));
    const message = encodeCommandReply(
      { ...accepted, duplicate: true, outcome: { status: 'rejected', playerId: 'p-2', problem } },
      0,
    );
    const view = decodeCommandReply(fetched(message));
    expect(view).toMatchObject({ status: 404, duplicate: true });
    expect(JSON.parse(view.body.toString())).toEqual(problem);
  });

  it('reads back the whole reply, outcome parsed, for tests and tools', () => {
    expect(readCommandReply(fetched(encodeCommandReply(accepted, 0)))).toEqual(accepted);
    const problem = problemFor(playerNotFound('p-2'));
    const rejected: CommandReply = {
      ...accepted,
      outcome: { status: 'rejected', playerId: 'p-2', problem },
    };
    expect(readCommandReply(fetched(encodeCommandReply(rejected, 0)))).toEqual(rejected);
  });

  it('still reads the first version, where the value held the whole reply', () => {
    const legacy = {
      key: Buffer.from('c-1'),
      value: Buffer.from(JSON.stringify(accepted)),
      headers: {},
    };
    const view = decodeCommandReply(legacy);
    expect(view).toMatchObject({ commandId: 'c-1', gatewayId: 'gw-a', status: 200 });
    expect(JSON.parse(view.body.toString())).toEqual(result);
  });

  it('refuses what is not a reply', () => {
    const message = fetched(encodeCommandReply(accepted, 0));
    expect(() => decodeCommandReply({ ...message, value: null })).toThrow(MalformedRecord);
    expect(() => decodeCommandReply({ ...message, key: null })).toThrow(MalformedRecord);
    expect(() =>
      decodeCommandReply({
        ...message,
        headers: { ...message.headers, 'qf-status': Buffer.from('ok') },
      }),
    ).toThrow(MalformedRecord);
    expect(() => decodeCommandReply({ key: null, value: Buffer.from('{'), headers: {} })).toThrow(
      MalformedRecord,
    );
  });
});
