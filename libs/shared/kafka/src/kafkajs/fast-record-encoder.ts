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

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const zigZag = (value: number): number => (value << 1) ^ (value >> 31);
/** Bytes of the zig-zag varint of a 32-bit integer (also the varlong's, for values in that range). */
const sizeOfVarInt = (value: number): number => {
  let rest = zigZag(value);
  let bytes = 1;
  while ((rest & ~0x7f) !== 0) {
    bytes += 1;
    rest >>>= 7;
  }
  return bytes;
};
const writeVarInt = (buf: Buffer, offset: number, value: number): number => {
  let rest = zigZag(value);
  let at = offset;
  while ((rest & ~0x7f) !== 0) {
    buf[at++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  buf[at++] = rest;
  return at;
};
type Bytes = Buffer | string | null | undefined;
const byteLengthOf = (value: Bytes): number =>
  value == null ? -1 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
/** A varint length (-1 for null) followed by the bytes. */
const writeBytes = (buf: Buffer, offset: number, value: Bytes, length: number): number => {
  const at = writeVarInt(buf, offset, length);
  if (value == null) return at;
  return at + (typeof value === 'string' ? buf.write(value, at, 'utf8') : value.copy(buf, at));
};

/**
 * The same bytes as kafkajs' record encoder (record/v0), written into one buffer of the
 * exact size. kafkajs starts every record and every header in a new zero-filled 512-byte
 * buffer, regrows it by copying, and allocates a Buffer for every varint: for the
 * processor's few-KB snapshots and four-header events that was the largest single cost of
 * a transaction.
 */
export const encodeRecord = ({
  offsetDelta = 0,
  timestampDelta = 0,
  key,
  value,
  headers = {},
}: RecordFields): Encoder => {
  const headerKeys: string[] = [];
  const headerValues: HeaderValue[] = [];
  for (const headerKey of Object.keys(headers)) {
    const headerValue = headers[headerKey] as HeaderValue | readonly HeaderValue[];
    for (const each of Array.isArray(headerValue)
      ? (headerValue as readonly HeaderValue[])
      : [headerValue as HeaderValue]) {
      headerKeys.push(headerKey);
      headerValues.push(each);
    }
  }
  const keyLength = byteLengthOf(key);
  const valueLength = byteLengthOf(value);
  const headerKeyLengths = headerKeys.map((headerKey) => Buffer.byteLength(headerKey));
  const headerValueLengths = headerValues.map(byteLengthOf);
  const smallTimestamp = timestampDelta >= INT32_MIN && timestampDelta <= INT32_MAX;
  let sizeOfBody =
    1 +
    (smallTimestamp ? sizeOfVarInt(timestampDelta) : Encoder.sizeOfVarLong(timestampDelta)) +
    sizeOfVarInt(offsetDelta) +
    sizeOfVarInt(keyLength) +
    Math.max(keyLength, 0) +
    sizeOfVarInt(valueLength) +
    Math.max(valueLength, 0) +
    sizeOfVarInt(headerKeys.length);
  headerKeys.forEach((_, index) => {
    const keySize = headerKeyLengths[index] as number;
    const valueSize = headerValueLengths[index] as number;
    sizeOfBody += sizeOfVarInt(keySize) + keySize + sizeOfVarInt(valueSize) + valueSize;
  });

  const buf = Buffer.allocUnsafe(sizeOfVarInt(sizeOfBody) + sizeOfBody);
  let at = writeVarInt(buf, 0, sizeOfBody);
  buf[at++] = 0; // attributes
  if (smallTimestamp) at = writeVarInt(buf, at, timestampDelta);
  else {
    const encoder = Object.create(Encoder.prototype) as Encoder;
    encoder.buf = buf;
    encoder.offset = at;
    at = encoder.writeVarLong(timestampDelta).offset;
  }
  at = writeVarInt(buf, at, offsetDelta);
  at = writeBytes(buf, at, key, keyLength);
  at = writeBytes(buf, at, value, valueLength);
  at = writeVarInt(buf, at, headerKeys.length);
  headerKeys.forEach((headerKey, index) => {
    at = writeBytes(buf, at, headerKey, headerKeyLengths[index] as number);
    at = writeBytes(buf, at, headerValues[index], headerValueLengths[index] as number);
  });
  if (at !== buf.length) throw new Error(`record encoded to ${at} bytes, ${buf.length} expected`);
  const encoder = Object.create(Encoder.prototype) as Encoder;
  encoder.buf = buf;
  encoder.offset = at;
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
