import type { Consumer, Kafka, Producer } from 'kafkajs';
import { DeadLetterPublisher } from './dead-letter.publisher';

/** The group settings every projector of player.events takes (the live one and a rebuild's). */
export interface EventConsumerSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly maxBytesPerPartition: number;
  readonly maxBytes: number;
}

/**
 * A member of a projector group on player.events: read committed (a command processor's
 * aborted transactions are never projected), and it never creates topics.
 */
export const createEventConsumer = (
  kafka: Kafka,
  groupId: string,
  settings: EventConsumerSettings,
): Consumer =>
  kafka.consumer({
    groupId,
    readUncommitted: false,
    sessionTimeout: settings.sessionTimeoutMs,
    heartbeatInterval: settings.heartbeatIntervalMs,
    rebalanceTimeout: settings.rebalanceTimeoutMs,
    maxBytesPerPartition: settings.maxBytesPerPartition,
    maxBytes: settings.maxBytes,
    allowAutoTopicCreation: false,
  });

/** A projector's idempotent producer, connected, with the publisher of its dead letters. */
export const connectDeadLetters = async (
  kafka: Kafka,
  deadLetterTopic: string,
): Promise<{ producer: Producer; deadLetters: DeadLetterPublisher }> => {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  return { producer, deadLetters: new DeadLetterPublisher(producer, deadLetterTopic) };
};
