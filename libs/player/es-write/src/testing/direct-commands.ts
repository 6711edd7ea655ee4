import { randomBytes } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka, type Producer } from 'kafkajs';
import {
  readCommandReply,
  encodeCommandRecord,
  type CommandReply,
  type TopicNames,
} from '@qf/contracts';
import type { PlayerCommand } from '@qf/player-domain';
import { fixedPartitionAssigner } from '@qf/shared-kafka';

/**
 * Talks to command processors without a gateway: produces command records to
 * player.commands (keyed by player id, as the gateway does) and reads the replies addressed
 * to `gatewayId` from one partition of command.replies. For tests that drive a processor
 * in-process (a simulated clock) or need to see every reply, duplicates included.
 */
export class DirectCommands {
  private producer?: Producer;
  private consumer?: Consumer;
  private readonly replies = new Map<string, CommandReply[]>();
  private waiters: Array<() => void> = [];
  readonly gatewayId = `direct-${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: TopicNames,
    private readonly replyPartition = 0,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await this.producer.connect();
    const consumer = this.kafka.consumer({
      groupId: `${this.gatewayId}-replies`,
      partitionAssigners: [
        fixedPartitionAssigner({ [this.topics.replies]: [this.replyPartition] }),
      ],
      readUncommitted: true,
      maxWaitTimeInMs: 50,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topics.replies, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const reply = readCommandReply(message);
        if (reply.gatewayId !== this.gatewayId) return;
        const list = this.replies.get(reply.commandId) ?? [];
        list.push(reply);
        this.replies.set(reply.commandId, list);
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake();
      },
    });
  }

  /** Produces the commands (each with a reply address) in one request. */
  async send(
    commands: ReadonlyArray<{ command: PlayerCommand; requestHash?: string }>,
  ): Promise<void> {
    await this.producer?.send({
      topic: this.topics.commands,
      messages: commands.map(({ command, requestHash }) =>
        encodeCommandRecord({
          command,
          requestHash: requestHash ?? `hash-of-${command.metadata.commandId}`,
          replyTo: { gatewayId: this.gatewayId, partition: this.replyPartition },
        }),
      ),
    });
  }

  /** The nth reply (1-based) to commandId, waiting for it up to timeoutMs. */
  async reply(commandId: string, nth = 1, timeoutMs = 60_000): Promise<CommandReply> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.replies.get(commandId)?.[nth - 1];
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no reply #${nth} to ${commandId} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
