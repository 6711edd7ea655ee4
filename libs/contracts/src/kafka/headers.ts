import type { IHeaders } from 'kafkajs';

/** Header names carried on fleet messages, so consumers can route and measure without parsing values. */
export const HEADERS = {
  type: 'qf-type',
  schemaVersion: 'qf-schema-version',
  occurredAt: 'qf-occurred-at',
  commandId: 'qf-command-id',
  replyTo: 'qf-reply-to',
  /** On a reply: the HTTP status of the answer (200 accepted, else the problem's). */
  status: 'qf-status',
  /** On a reply: '1' when it replays the first outcome of a command id decided before. */
  duplicate: 'qf-duplicate',
  error: 'qf-error',
  sourceTopic: 'qf-source-topic',
  sourcePartition: 'qf-source-partition',
  sourceOffset: 'qf-source-offset',
} as const;

/** Reads a header as a string (kafkajs gives Buffers, arrays or undefined). */
export const headerString = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
};
