import type { Kafka, Message } from 'kafkajs';
import { encodeCommandReply } from '@qf/contracts';
import { RenewingProducer } from '@qf/shared-kafka';
import type { Logger } from '@qf/shared-observability';
import type { RoutedReply } from '../decision/decide-batch';
import { processorMetrics as metrics } from './processor.metrics';

/**
 * Sends decisions to the waiting gateways after their transaction committed, outside any
 * transaction (an idempotent producer): a gateway reads its reply partition
 * read_uncommitted, so it never waits behind a transaction still open on it. Replies of
 * transactions that commit while a send is in flight go together in the next request. A
 * reply lost (a crash between commit and send, a failed send) is answered by the client's
 * retry with the same Idempotency-Key: the command is decided, so the retry gets the first
 * outcome. A failed send replaces the producer (RenewingProducer): kafkajs' sequence numbers
 * may then be behind the broker's, and every later send would be refused.
 */
export class ReplySender {
  private producer?: RenewingProducer;
  private pending: Message[] = [];
  private sending = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const producer = new RenewingProducer({
      create: () =>
        this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
        }),
      onRenewed: (cause) => this.log.warn('reply producer replaced after a failed send', { cause }),
      onRenewFailed: (error) =>
        this.log.warn('reply producer could not be replaced yet', { error }),
    });
    await producer.connect();
    this.producer = producer;
  }

  send(replies: readonly RoutedReply[]): void {
    for (const { partition, reply } of replies)
      this.pending.push(encodeCommandReply(reply, partition));
    if (!this.sending) void this.flush();
  }

  /** Sends what is pending, then disconnects. */
  async stop(): Promise<void> {
    while (this.sending || this.pending.length > 0) {
      if (!this.sending) await this.flush();
      else await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending.length > 0 && this.producer) {
        const messages = this.pending;
        this.pending = [];
        try {
          await this.producer.sendBatch({
            topicMessages: [{ topic: this.topic, messages }],
            acks: -1,
          });
          metrics.replies(messages.length);
        } catch (error) {
          metrics.replyFailures.inc(messages.length);
          this.log.warn('replies lost (their clients retry with the same key)', {
            replies: messages.length,
            error,
          });
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
