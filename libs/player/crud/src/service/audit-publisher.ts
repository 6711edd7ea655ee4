import type { Kafka, Producer } from 'kafkajs';
import { encodeEvent } from '@qf/player-wire';
import type { PlayerEvent } from '@qf/player-domain';
import { traceMessage } from '@qf/shared-observability';

/** Publishes audit events straight to the audit topic: the dual-write baseline's second write. */
export interface AuditPublisher {
  publish(events: readonly PlayerEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A producer that fails fast: a command must not hang for minutes on a dead broker, and
 * in dual-write mode a failed publish is exactly the loss the baseline exists to show.
 */
export class KafkaAuditPublisher implements AuditPublisher {
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {}

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({
        allowAutoTopicCreation: false,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      try {
        await producer.connect();
      } catch (error) {
        this.connecting = undefined;
        throw error;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  async publish(events: readonly PlayerEvent[]): Promise<void> {
    const producer = await this.connected();
    await producer.send({
      topic: this.topic,
      acks: -1,
      timeout: 5000,
      // With tracing on, each record carries the command's span (the active context).
      messages: events.map((event) => traceMessage(encodeEvent(event))),
    });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
