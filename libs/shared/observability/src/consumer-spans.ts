import {
  endSpans,
  extractTraceContext,
  SpanKind,
  startSpan,
  tracing,
  type StartedSpan,
  type TraceCarrier,
} from './tracing';

/** A consumed Kafka record, as kafkajs gives it (only what a span needs). */
interface TracedRecord {
  readonly offset: string;
  /** The player id on every fleet topic: it names the view document the span wrote. */
  readonly key?: Buffer | string | null;
  readonly headers?: TraceCarrier;
}

export interface ConsumerSpanSource {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * The spans of one chunk of consumed records: one per record that carries a trace
 * context (`traceparent`), child of it, from the chunk's start until its work is done
 * (or failed: a retried chunk shows one failed span per attempt). Records without a trace
 * get no span: whoever produced them decided not to trace. Off, or with no traced record
 * in the chunk, `open` answers undefined after one boolean test.
 */
export class ConsumerSpans {
  private constructor(private readonly spans: StartedSpan[]) {}

  static open(
    source: ConsumerSpanSource,
    records: readonly TracedRecord[],
    nameOf: (headers: TraceCarrier) => string,
  ): ConsumerSpans | undefined {
    if (!tracing().enabled) return undefined;
    const spans: StartedSpan[] = [];
    for (const record of records) {
      const headers = record.headers;
      if (headers?.['traceparent'] === undefined) continue;
      spans.push(
        startSpan(nameOf(headers), {
          kind: SpanKind.CONSUMER,
          parent: extractTraceContext(headers),
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'process',
            'messaging.consumer.group.name': source.groupId,
            'messaging.destination.name': source.topic,
            'messaging.destination.partition.id': String(source.partition),
            'messaging.kafka.offset': Number(record.offset),
            ...(record.key ? { 'messaging.kafka.message.key': record.key.toString() } : {}),
          },
        }),
      );
    }
    return spans.length > 0 ? new ConsumerSpans(spans) : undefined;
  }

  /** Runs `work` (the chunk) and ends the spans with its outcome. */
  static async around<T>(spans: ConsumerSpans | undefined, work: () => Promise<T>): Promise<T> {
    if (!spans) return work();
    try {
      const result = await work();
      spans.end();
      return result;
    } catch (error) {
      spans.end(error);
      throw error;
    }
  }

  end(error?: unknown): void {
    endSpans(this.spans, error);
  }
}

/** A header's text (kafkajs gives Buffers), for span names. */
export const headerText = (headers: TraceCarrier, name: string): string | undefined => {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};
