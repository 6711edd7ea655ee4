import type { IHeaders, KafkaMessage } from 'kafkajs';
import { HEADERS, headerString } from '@qf/contracts';

/** Headers a dead-letter publisher adds; a redrive strips them so the source topic sees the original record. */
export const DEAD_LETTER_HEADERS: readonly string[] = [
  HEADERS.error,
  HEADERS.sourceTopic,
  HEADERS.sourcePartition,
  HEADERS.sourceOffset,
];

/** Headers a redrive adds, so whoever reads the record again can tell it came back from a DLQ. */
export const REDRIVE_HEADERS = {
  from: 'qf-redriven-from',
  at: 'qf-redriven-at',
  count: 'qf-redrive-count',
} as const;

/** Why a record was dead-lettered, as its publisher described it (qf-error header). */
export interface LetterError {
  /** Stable code (`EVENT.UNSUPPORTED_SCHEMA`, `RECORD.MALFORMED` …); `UNKNOWN` when none was given. */
  readonly code: string;
  readonly message: string;
  readonly retriable?: boolean;
  readonly details?: unknown;
}

/** One record of a dead-letter topic, read for a person. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** When it was dead-lettered (the DLQ record's timestamp), ms since the epoch. */
  readonly deadLetteredAt: number;
  /** The original key: the player id on every fleet topic. */
  readonly key: string | null;
  /** Event or command type (qf-type header, else the value's `type` or `command.type`). */
  readonly type: string | null;
  readonly error: LetterError;
  /** Where it was read from when it failed. */
  readonly source: {
    readonly topic: string | null;
    readonly partition: number | null;
    readonly offset: string | null;
  };
  /** How many times it was redriven before this failure (qf-redrive-count). */
  readonly redriveCount: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Buffer | null;
}

/** `partition:offset`, the id a person types to name one letter. */
export const letterId = (letter: Pick<DeadLetter, 'partition' | 'offset'>): string =>
  `${letter.partition}:${letter.offset}`;

const stringHeaders = (headers: IHeaders | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerString(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
};

const parseError = (raw: string | undefined): LetterError => {
  if (raw === undefined) return { code: 'UNKNOWN', message: 'no qf-error header' };
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    const code =
      typeof parsed['code'] === 'string' ? parsed['code'] : String(parsed['name'] ?? 'UNKNOWN');
    return {
      code,
      message: typeof parsed['message'] === 'string' ? parsed['message'] : raw,
      ...(typeof parsed['retriable'] === 'boolean' && { retriable: parsed['retriable'] }),
      ...(parsed['details'] !== undefined && { details: parsed['details'] }),
    };
  } catch {
    return { code: 'UNKNOWN', message: raw };
  }
};

// The type is in a header on events; commands carry it inside the value.
const typeOf = (headers: Record<string, string>, value: Buffer | null): string | null => {
  const header = headers[HEADERS.type];
  if (header) return header;
  if (!value) return null;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as {
      type?: unknown;
      command?: { type?: unknown };
    };
    if (typeof parsed.type === 'string') return parsed.type;
    if (typeof parsed.command?.type === 'string') return parsed.command.type;
  } catch {
    // Not JSON: a malformed record has no type to filter by.
  }
  return null;
};

const intOrNull = (value: string | undefined): number | null => {
  const parsed = Number(value);
  return value !== undefined && Number.isSafeInteger(parsed) ? parsed : null;
};

/** Reads one DLQ record: what failed, why, and where it came from. */
export const readLetter = (topic: string, partition: number, message: KafkaMessage): DeadLetter => {
  const headers = stringHeaders(message.headers);
  const value = message.value ?? null;
  return {
    topic,
    partition,
    offset: message.offset,
    deadLetteredAt: Number(message.timestamp),
    key: message.key ? message.key.toString('utf8') : null,
    type: typeOf(headers, value),
    error: parseError(headers[HEADERS.error]),
    source: {
      topic: headers[HEADERS.sourceTopic] ?? null,
      partition: intOrNull(headers[HEADERS.sourcePartition]),
      offset: headers[HEADERS.sourceOffset] ?? null,
    },
    redriveCount: intOrNull(headers[REDRIVE_HEADERS.count]) ?? 0,
    headers,
    value,
  };
};
