/* eslint-disable @typescript-eslint/no-require-imports -- compares with kafkajs' own encoder */
import {
  encodeRecord,
  useFastRecordEncoder,
  type RecordFields,
} from '../kafka/fast-record-encoder';

const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (
  fields: RecordFields,
) => { buffer: Buffer };

const cases: Array<[string, RecordFields]> = [
  ['nothing but defaults', {}],
  ['null key and value', { key: null, value: null }],
  ['string key and value', { key: 'p-1', value: '{"a":1}', offsetDelta: 3, timestampDelta: 17 }],
  [
    'a value past the varint and 512-byte boundaries, non-ASCII text',
    { key: 'é-key', value: `{"name":"Ünïcødé ${'x'.repeat(5000)}"}`, offsetDelta: 200 },
  ],
  ['buffers', { key: Buffer.from([0, 1, 2]), value: Buffer.alloc(700, 7), timestampDelta: 1e9 }],
  [
    'headers: strings, buffers, repeated keys, empty values',
    {
      key: 'k',
      value: 'v',
      headers: { 'qf-type': 'PlayerMoved', bin: Buffer.from('ab'), many: ['1', '22', ''], ü: 'ß' },
    },
  ],
  ['a negative timestamp delta', { key: 'k', value: 'v', timestampDelta: -5 }],
];

describe('fast record encoder', () => {
  it.each(cases)('writes the same bytes as kafkajs: %s', (_, fields) => {
    expect(encodeRecord(fields).buffer.equals(kafkajsRecord(fields).buffer)).toBe(true);
  });
});

describe('useFastRecordEncoder', () => {
  it("puts encodeRecord where kafkajs' produce request takes its record encoder from", () => {
    useFastRecordEncoder();
    expect(require('kafkajs/src/protocol/recordBatch/record/v0')).toBe(encodeRecord);
  });
});
