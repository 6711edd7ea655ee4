/* eslint-disable @typescript-eslint/no-require-imports -- replaces a kafkajs internal on purpose, see below */

/** kafkajs' protocol Encoder, as far as this module uses it. */
interface Encoder {
  buf: Buffer;
  readonly buffer: Buffer;
  offset: number;
  writeVarInt(value: number): Encoder;
  writeInt8(value: number): Encoder;
  writeVarLong(value: number): Encoder;
  writeVarIntString(value: string): Encoder;
  writeVarIntBytes(value: Buffer | string | null | undefined): Encoder;
}
interface EncoderClass {
  prototype: Encoder;
  sizeOfVarInt(value: number): number;
  sizeOfVarLong(value: number): number;
  sizeOfVarIntBytes(value: Buffer | string | null | undefined): number;
}
type HeaderValue = Buffer | string;

/** What kafkajs' produce request hands its record encoder. */
export interface RecordFields {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: Buffer | string | null;
  readonly value?: Buffer | string | null;
  readonly headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
}

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0';
const Encoder = require('kafkajs/src/protocol/encoder') as EncoderClass;

/**
 * The same bytes as kafkajs' record encoder (record/v0), written into one buffer of the
 * exact size. kafkajs starts every record and every header in a new zero-filled 512-byte
 * buffer and regrows it by copying: for the processor's few-KB snapshots and four-header
 * events that allocation and copying was the largest single cost of a transaction.
 */
export const encodeRecord = ({
  offsetDelta = 0,
  timestampDelta = 0,
  key,
  value,
  headers = {},
}: RecordFields): Encoder => {
  const pairs: Array<[string, HeaderValue]> = [];
  for (const headerKey of Object.keys(headers)) {
    const headerValue = headers[headerKey] as HeaderValue | readonly HeaderValue[];
    if (Array.isArray(headerValue))
      for (const each of headerValue as readonly HeaderValue[]) pairs.push([headerKey, each]);
    else pairs.push([headerKey, headerValue as HeaderValue]);
  }
  let sizeOfHeaders = Encoder.sizeOfVarInt(pairs.length);
  for (const [headerKey, headerValue] of pairs) {
    const keySize = Buffer.byteLength(headerKey);
    const valueSize = Buffer.byteLength(headerValue);
    sizeOfHeaders += Encoder.sizeOfVarInt(keySize) + keySize;
    sizeOfHeaders += Encoder.sizeOfVarInt(valueSize) + valueSize;
  }
  const sizeOfBody =
    1 +
    Encoder.sizeOfVarLong(timestampDelta) +
    Encoder.sizeOfVarInt(offsetDelta) +
    Encoder.sizeOfVarIntBytes(key) +
    Encoder.sizeOfVarIntBytes(value) +
    sizeOfHeaders;

  const encoder = Object.create(Encoder.prototype) as Encoder;
  encoder.buf = Buffer.allocUnsafe(Encoder.sizeOfVarInt(sizeOfBody) + sizeOfBody);
  encoder.offset = 0;
  encoder
    .writeVarInt(sizeOfBody)
    .writeInt8(0)
    .writeVarLong(timestampDelta)
    .writeVarInt(offsetDelta)
    .writeVarIntBytes(key)
    .writeVarIntBytes(value)
    .writeVarInt(pairs.length);
  for (const [headerKey, headerValue] of pairs)
    encoder.writeVarIntString(headerKey).writeVarIntBytes(headerValue);
  if (encoder.offset !== encoder.buf.length)
    throw new Error(`record encoded to ${encoder.offset} bytes, ${encoder.buf.length} expected`);
  return encoder;
};

/**
 * Makes kafkajs' produce requests use encodeRecord. kafkajs loads the produce request
 * lazily, on the first produce, and it takes the record encoder from the module cache:
 * call this before anything in the process produces (a request module loaded earlier
 * keeps kafkajs' own encoder, which writes the same bytes, only slower).
 */
export const useFastRecordEncoder = (): void => {
  const path = require.resolve(RECORD_MODULE);
  require(path);
  const cached = require.cache[path];
  if (cached) cached.exports = encodeRecord;
};
