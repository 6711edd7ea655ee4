import type { Message } from 'kafkajs';
import { HEADERS, type TopicNames } from '@qf/contracts';
import { encodeEvent } from '@qf/player-wire';
import type { BatchDecision } from '../decision/decide-batch';
import type { DecisionSpans } from './decision-spans';
import { encodeLedgerRecord } from '../ledger/ledger-record';
import { encodeSnapshot } from '../ledger/player-snapshot';
import type { CheckpointPlan, SlotState } from './slot-state';

/** Above this many bytes of records a transaction's writes go out in several produce requests (broker limit ~1 MB per batch). */
const MAX_REQUEST_BYTES = 512 * 1024;

export type Outgoing = {
  readonly topic: string;
  readonly message: Message & { partition: number };
};

/** What one transaction writes for one slot, each record with its partition (the command's). */
export const recordsOf = (
  topics: TopicNames,
  state: SlotState,
  decision: BatchDecision,
  plan: CheckpointPlan,
  now: number,
  /** With tracing on: each event record carries the span of the command that caused it. */
  spans?: DecisionSpans,
): Outgoing[] => {
  const out: Outgoing[] = [];
  // Explicit partitions: the same number as the command's, whatever partitioner a producer uses.
  for (const [partition, decided] of decision.partitions)
    for (const event of decided.events) {
      const message = { ...encodeEvent(event), partition };
      out.push({
        topic: topics.events,
        message: spans ? spans.traceEvent(event.metadata.causationId, message) : message,
      });
    }
  for (const { partition, snapshot } of plan.snapshots)
    out.push({ topic: topics.snapshots, message: encodeSnapshot(snapshot, partition) });
  for (const { partition, record } of plan.ledger)
    out.push({ topic: topics.ledger, message: encodeLedgerRecord(record, partition, now) });
  for (const { command, error } of decision.deadLetters)
    out.push({
      topic: topics.commandsDeadLetter,
      message: deadLetter(
        command.key,
        command.value,
        error,
        topics.commands,
        command.partition,
        command.offset,
      ),
    });
  if (plan.ledger.length > 0)
    for (const { partition, message, reason } of state.poison)
      out.push({
        topic: topics.commandsDeadLetter,
        message: deadLetter(
          message.key,
          message.value,
          { code: 'SNAPSHOT.UNREADABLE', message: reason },
          topics.snapshots,
          partition,
          message.offset,
        ),
      });
  return out;
};

const deadLetter = (
  key: Buffer | string | null,
  value: Buffer | string | null,
  error: unknown,
  sourceTopic: string,
  partition: number,
  offset: number | string,
): Message & { partition: number } => ({
  key,
  value,
  partition,
  headers: {
    [HEADERS.error]: JSON.stringify(error),
    [HEADERS.sourceTopic]: sourceTopic,
    [HEADERS.sourcePartition]: String(partition),
    [HEADERS.sourceOffset]: String(offset),
  },
});

const sizeOf = (message: Message) =>
  (typeof message.value === 'string'
    ? Buffer.byteLength(message.value)
    : (message.value?.length ?? 0)) + 64;

interface ProduceRequest {
  readonly topics: Array<{ topic: string; messages: Message[] }>;
  /** Records per `topic\0partition` in this request (to turn base offsets into ends). */
  readonly counts: Map<string, number>;
}

/** Groups messages by topic into requests of at most MAX_REQUEST_BYTES, keeping their order per topic. */
export const produceRequests = (messages: readonly Outgoing[]): ProduceRequest[] => {
  const requests: ProduceRequest[] = [];
  let current = new Map<string, Message[]>();
  let counts = new Map<string, number>();
  let bytes = 0;
  const close = () => {
    if (current.size > 0)
      requests.push({
        topics: [...current].map(([topic, list]) => ({ topic, messages: list })),
        counts,
      });
    current = new Map();
    counts = new Map();
    bytes = 0;
  };
  for (const { topic, message } of messages) {
    const size = sizeOf(message);
    if (bytes > 0 && bytes + size > MAX_REQUEST_BYTES) close();
    const list = current.get(topic);
    if (list) list.push(message);
    else current.set(topic, [message]);
    const id = `${topic}\u0000${message.partition}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    bytes += size;
  }
  close();
  return requests;
};
