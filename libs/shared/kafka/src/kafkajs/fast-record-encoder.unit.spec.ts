/* eslint-disable @typescript-eslint/no-require-imports -- compares with kafkajs' own encoder */
import fc from 'fast-check';
import { encodeRecord, useFastRecordEncoder, type RecordFields } from './fast-record-encoder';

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
  ['timestamp deltas past 32 bits', { key: 'k', value: 'v', timestampDelta: 2 ** 40 + 3 }],
  ['a large negative timestamp delta', { value: 'v', timestampDelta: -(2 ** 33) }],
  ['varint boundaries', { key: 'x'.repeat(63), value: 'y'.repeat(64), offsetDelta: 8191 }],
];

describe('fast record encoder', () => {
  it.each(cases)('writes the same bytes as kafkajs: %s', (_, fields) => {
    expect(encodeRecord(fields).buffer.equals(kafkajsRecord(fields).buffer)).toBe(true);
  });
});

describe('fast record encoder, any record', () => {
  const bytes = fc.oneof(
    fc.constant(null),
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)),
  );
  it('writes the same bytes as kafkajs', () => {
    fc.assert(
      fc.property(
        fc.record({
          offsetDelta: fc.integer({ min: 0, max: 100_000 }),
          timestampDelta: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
          key: bytes,
          value: bytes,
          headers: fc.dictionary(
            fc.string({ unit: 'grapheme', maxLength: 20 }),
            fc.oneof(
              fc.string({ unit: 'grapheme', maxLength: 50 }),
              fc.array(fc.string(), { maxLength: 3 }),
            ),
            { maxKeys: 5 },
          ),
        }),
        (fields) => encodeRecord(fields).buffer.equals(kafkajsRecord(fields).buffer),
      ),
      { numRuns: 500 },
    );
  });
});

describe('useFastRecordEncoder', () => {
  it("puts encodeRecord where kafkajs' produce request takes its record encoder from", () => {
    useFastRecordEncoder();
    expect(require('kafkajs/src/protocol/recordBatch/record/v0')).toBe(encodeRecord);
  });
});
