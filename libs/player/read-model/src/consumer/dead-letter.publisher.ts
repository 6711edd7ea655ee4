import type { IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { HEADERS } from '@qf/contracts';

/** A record the projection cannot apply, with why. */
export interface PoisonEvent {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
  readonly error: unknown;
}

/** The error as JSON: stable code and retriable flag when the error has them. */
export const describeError = (error: unknown): Record<string, unknown> => {
  if (error instanceof Error) {
    const { code, retriable, details } = error as Error & {
      code?: unknown;
      retriable?: unknown;
      details?: unknown;
    };
    return {
      name: error.name,
      message: error.message,
      ...(code !== undefined && { code }),
      ...(retriable !== undefined && { retriable }),
      ...(details !== undefined && { details }),
    };
  }
  return { message: String(error) };
};

/**
 * Produces poison records to the events dead-letter topic: the original key, value and
 * headers, plus the error and the source coordinates in headers, so the record can be
 * inspected and replayed. Called before the source offset is committed, so a crash
 * can only duplicate a dead letter, never lose one.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly deadLetterTopic: string,
  ) {}

  async publish(letters: readonly PoisonEvent[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: letters.map(({ topic, partition, message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...(message.headers as IHeaders | undefined),
          [HEADERS.error]: JSON.stringify(describeError(error)),
          [HEADERS.sourceTopic]: topic,
          [HEADERS.sourcePartition]: String(partition),
          [HEADERS.sourceOffset]: message.offset,
        },
      })),
    });
  }
}
