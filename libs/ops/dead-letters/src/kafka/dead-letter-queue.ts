import os from 'node:os';
import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { ensureTopics, readPartitionToEnd } from '@qf/shared-kafka';
import { readLetter, type DeadLetter } from '../letter/dead-letter';
import {
  parseAction,
  statusOf,
  type LetterAction,
  type LetterStatus,
} from '../letter/letter-action';

/** Thrown when the named dead-letter topic does not exist. */
export class NoSuchDeadLetterTopicError extends Error {
  constructor(readonly topic: string) {
    super(
      `there is no topic ${topic} (nothing was dead-lettered there yet, or the prefix is wrong: see --prefix)`,
    );
  }
}

/** A partition's retained range: [low, high). */
export interface PartitionBounds {
  readonly partition: number;
  readonly low: string;
  readonly high: string;
}

/** Everything a DLQ holds right now, with the status of each letter. */
export interface DeadLetterSnapshot {
  readonly topic: string;
  readonly letters: ReadonlyArray<DeadLetter & { readonly status: LetterStatus }>;
  readonly actions: ReadonlyMap<string, LetterAction>;
  readonly bounds: readonly PartitionBounds[];
}

/** Who runs this process: recorded with every action. */
export const operator = (): string => {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the host alone still says where it ran.
  }
  return `${user}@${os.hostname()}`;
};

/** The compacted log of what was done with each letter of topic. */
export const actionsTopicOf = (topic: string): string => `${topic}.actions`;

/**
 * One dead-letter topic as a person works with it. Kafka cannot delete a record in the
 * middle of a log, so what was done with a letter (redriven, purged) is kept in a compacted
 * companion topic, and the DLQ itself is truncated (DeleteRecords) up to its first letter
 * still open: whatever is before that is handled and goes for good.
 */
export class DeadLetterQueue {
  readonly actionsTopic: string;

  constructor(
    private readonly kafka: Kafka,
    readonly admin: Admin,
    readonly topic: string,
  ) {
    this.actionsTopic = actionsTopicOf(topic);
  }

  /** Reads every retained letter and the action log. */
  async read(): Promise<DeadLetterSnapshot> {
    const topics = new Set(await this.admin.listTopics());
    if (!topics.has(this.topic)) throw new NoSuchDeadLetterTopicError(this.topic);
    const bounds = (await this.admin.fetchTopicOffsets(this.topic))
      .map(({ partition, low, high }) => ({ partition, low, high }))
      .sort((a, b) => a.partition - b.partition);
    const actions = topics.has(this.actionsTopic)
      ? await this.readActions()
      : new Map<string, LetterAction>();
    const letters: Array<DeadLetter & { status: LetterStatus }> = [];
    for (const { partition, low, high } of bounds) {
      if (BigInt(high) <= BigInt(low)) continue;
      await readPartitionToEnd(
        this.kafka,
        this.admin,
        this.topic,
        partition,
        (message: KafkaMessage) => {
          const letter = readLetter(this.topic, partition, message);
          letters.push({
            ...letter,
            status: statusOf(actions.get(`${partition}:${letter.offset}`)),
          });
        },
        { groupPrefix: 'qf-dlq' },
      );
    }
    return { topic: this.topic, letters, actions, bounds };
  }

  /** Appends actions to the action log (creating it, compacted, on first use). */
  async record(actions: readonly LetterAction[]): Promise<void> {
    if (actions.length === 0) return;
    await ensureTopics(this.admin, [
      {
        topic: this.actionsTopic,
        numPartitions: 1,
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      },
    ]);
    await this.withProducer((producer) =>
      producer.send({
        topic: this.actionsTopic,
        acks: -1,
        messages: actions.map((action) => ({ key: action.letter, value: JSON.stringify(action) })),
      }),
    );
  }

  /**
   * Deletes, per partition, every record before the first letter still open (all of them
   * when none is), and tombstones their actions: the DLQ keeps only what needs a person.
   * Returns the records deleted per partition.
   */
  async truncateHandled(
    snapshot: DeadLetterSnapshot,
    handled: ReadonlySet<string>,
  ): Promise<Map<number, bigint>> {
    const deleted = new Map<number, bigint>();
    const tombstones: string[] = [];
    for (const { partition, low, high } of snapshot.bounds) {
      const letters = snapshot.letters
        .filter((letter) => letter.partition === partition)
        .sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
      const isHandled = (letter: DeadLetter & { status: LetterStatus }) =>
        letter.status !== 'open' || handled.has(`${partition}:${letter.offset}`);
      const firstOpen = letters.find((letter) => !isHandled(letter));
      const until = firstOpen ? BigInt(firstOpen.offset) : BigInt(high);
      if (until <= BigInt(low)) continue;
      await this.admin.deleteTopicRecords({
        topic: this.topic,
        partitions: [{ partition, offset: until.toString() }],
      });
      deleted.set(partition, until - BigInt(low));
      for (const letter of letters)
        if (BigInt(letter.offset) < until) tombstones.push(`${partition}:${letter.offset}`);
    }
    if (tombstones.length > 0 && (await this.admin.listTopics()).includes(this.actionsTopic)) {
      await this.withProducer((producer) =>
        producer.send({
          topic: this.actionsTopic,
          acks: -1,
          messages: tombstones.map((key) => ({ key, value: null })),
        }),
      );
    }
    return deleted;
  }

  /** Runs work with a connected idempotent producer. */
  async withProducer<T>(work: (producer: Producer) => Promise<T>): Promise<T> {
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    try {
      return await work(producer);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  private async readActions(): Promise<Map<string, LetterAction>> {
    const actions = new Map<string, LetterAction>();
    await readPartitionToEnd(
      this.kafka,
      this.admin,
      this.actionsTopic,
      0,
      (message) => {
        const key = message.key?.toString('utf8');
        if (!key) return;
        const action = parseAction(message.value);
        // A tombstone (the letter was truncated away) or junk clears the entry.
        if (action) actions.set(key, action);
        else actions.delete(key);
      },
      { groupPrefix: 'qf-dlq-actions' },
    );
    return actions;
  }
}
