import type { KafkaMessage } from 'kafkajs';
import { HEADERS } from '@qf/contracts';
import { readLetter, REDRIVE_HEADERS } from './dead-letter';
import { parseAction, statusOf } from './letter-action';
import { isNarrowing, matchesFilter, parseLetterId, parseStatus, parseTime } from './letter-filter';
import { redriveHeaders } from '../kafka/redrive';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');

const message = (
  fields: Partial<KafkaMessage> & { headers?: Record<string, string> },
): KafkaMessage => ({
  key: Buffer.from('player-1'),
  value: Buffer.from(JSON.stringify({ command: { type: 'MovePlayer' } })),
  timestamp: String(NOW - 60_000),
  attributes: 0,
  offset: '7',
  ...(fields.value !== undefined && { value: fields.value }),
  headers: Object.fromEntries(
    Object.entries(fields.headers ?? {}).map(([name, value]) => [name, Buffer.from(value)]),
  ),
});

const commandLetter = readLetter(
  'p.player.commands.dlq',
  3,
  message({
    headers: {
      [HEADERS.error]: JSON.stringify({
        code: 'RECORD.MALFORMED',
        message: 'bad',
        retriable: false,
      }),
      [HEADERS.sourceTopic]: 'p.player.commands',
      [HEADERS.sourcePartition]: '3',
      [HEADERS.sourceOffset]: '41',
      'x-trace': 'abc',
    },
  }),
);

describe('readLetter', () => {
  it('reads the error, source, key and the type from inside a command value', () => {
    expect(commandLetter).toMatchObject({
      partition: 3,
      offset: '7',
      key: 'player-1',
      type: 'MovePlayer',
      error: { code: 'RECORD.MALFORMED', message: 'bad', retriable: false },
      source: { topic: 'p.player.commands', partition: 3, offset: '41' },
      redriveCount: 0,
    });
  });

  it('prefers the type header and copes with an unparsable error header and value', () => {
    const letter = readLetter(
      't',
      0,
      message({
        value: Buffer.from('%%'),
        headers: { [HEADERS.type]: 'ItemDropped', [HEADERS.error]: 'boom' },
      }),
    );
    expect(letter).toMatchObject({
      type: 'ItemDropped',
      error: { code: 'UNKNOWN', message: 'boom' },
      source: { topic: null },
    });
  });
});

describe('redriveHeaders', () => {
  it('keeps the original headers, drops the diagnostic ones and counts the redrive', () => {
    const headers = redriveHeaders({ ...commandLetter, redriveCount: 2 }, new Date(NOW));
    expect(headers).toEqual({
      'x-trace': 'abc',
      [REDRIVE_HEADERS.from]: 'p.player.commands.dlq/3:7',
      [REDRIVE_HEADERS.at]: new Date(NOW).toISOString(),
      [REDRIVE_HEADERS.count]: '3',
    });
  });
});

describe('letter filters', () => {
  it('parses absolute and relative times, and names the flag when it cannot', () => {
    expect(parseTime('--since', '2h', NOW)).toBe(NOW - 7_200_000);
    expect(parseTime('--since', '2025-01-01', NOW)).toBe(Date.parse('2025-01-01'));
    expect(() => parseTime('--until', 'soon', NOW)).toThrow(/--until/);
  });

  it('parses statuses and letter ids', () => {
    expect(parseStatus('all')).toEqual(['open', 'redriven', 'purged']);
    expect(parseStatus('open,purged')).toEqual(['open', 'purged']);
    expect(() => parseStatus('gone')).toThrow(/--status/);
    expect(parseLetterId('3:7')).toBe('3:7');
    expect(() => parseLetterId('3/7')).toThrow(/partition:offset/);
  });

  it('matches every narrowing field, and open letters only by default', () => {
    expect(matchesFilter({}, commandLetter, 'open')).toBe(true);
    expect(matchesFilter({}, commandLetter, 'redriven')).toBe(false);
    expect(matchesFilter({ statuses: ['redriven'] }, commandLetter, 'redriven')).toBe(true);
    expect(
      matchesFilter(
        { types: ['MovePlayer'], players: ['player-1'], codes: ['RECORD.MALFORMED'], ids: ['3:7'] },
        commandLetter,
        'open',
      ),
    ).toBe(true);
    expect(matchesFilter({ types: ['Heal'] }, commandLetter, 'open')).toBe(false);
    expect(matchesFilter({ players: ['player-2'] }, commandLetter, 'open')).toBe(false);
    expect(matchesFilter({ codes: ['EVENT.MALFORMED'] }, commandLetter, 'open')).toBe(false);
    expect(matchesFilter({ since: NOW - 30_000 }, commandLetter, 'open')).toBe(false);
    expect(matchesFilter({ until: NOW - 60_000 }, commandLetter, 'open')).toBe(false);
    expect(matchesFilter({ since: NOW - 60_000, until: NOW }, commandLetter, 'open')).toBe(true);
  });

  it('tells a narrowing filter from a status-only one', () => {
    expect(isNarrowing({ statuses: ['open'] })).toBe(false);
    expect(isNarrowing({ codes: ['X'] })).toBe(true);
    expect(isNarrowing({ since: 0 })).toBe(true);
  });
});

describe('letter actions', () => {
  it('parses actions and treats anything else as no action', () => {
    const action = { letter: '0:1', action: 'purged', at: 'now', by: 'me' };
    expect(parseAction(Buffer.from(JSON.stringify(action)))).toEqual(action);
    expect(parseAction(null)).toBeUndefined();
    expect(parseAction(Buffer.from('{"letter":"0:1","action":"eaten"}'))).toBeUndefined();
    expect(statusOf(undefined)).toBe('open');
    expect(statusOf(parseAction(Buffer.from(JSON.stringify(action))))).toBe('purged');
  });
});
