import { Partitioners, type IHeaders } from 'kafkajs';
import {
  DEAD_LETTER_HEADERS,
  letterId,
  REDRIVE_HEADERS,
  type DeadLetter,
} from '../letter/dead-letter';
import type { LetterAction } from '../letter/letter-action';
import { operator, type DeadLetterQueue } from './dead-letter-queue';

/** Thrown before anything is sent when a letter has nowhere to go. */
export class NoRedriveTargetError extends Error {
  constructor(readonly letters: readonly string[]) {
    super(
      `no source topic recorded for ${letters.join(', ')} (no qf-source-topic header): name one with --to`,
    );
  }
}

export interface RedriveOptions {
  /** Send everything here instead of each letter's source topic (partition chosen by key). */
  readonly to?: string;
  readonly now?: () => Date;
  readonly by?: string;
  /** Called after each chunk: letters sent so far. */
  readonly onProgress?: (sent: number, total: number) => void;
  readonly chunkSize?: number;
}

/** Where one letter went. */
export interface Redriven {
  readonly letter: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * The record a letter was, ready to go back: same key, value and original headers; the
 * DLQ's diagnostic headers dropped (a new failure writes fresh ones); where it came from,
 * when, and how many times it has been redriven added.
 */
export const redriveHeaders = (letter: DeadLetter, at: Date): IHeaders => {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(letter.headers)) {
    if (!DEAD_LETTER_HEADERS.includes(name)) headers[name] = value;
  }
  headers[REDRIVE_HEADERS.from] = `${letter.topic}/${letterId(letter)}`;
  headers[REDRIVE_HEADERS.at] = at.toISOString();
  headers[REDRIVE_HEADERS.count] = String(letter.redriveCount + 1);
  return headers;
};

/**
 * Sends letters back, in their order, to their source topic and partition (so a player's
 * records stay in its partition) or to options.to, then records each as redriven. A crash
 * between the two leaves the letters open: running again sends them again, which every
 * fleet consumer absorbs (event versions, event ids and command ids are deduplicated).
 */
export const redrive = async (
  queue: DeadLetterQueue,
  letters: readonly DeadLetter[],
  options: RedriveOptions = {},
): Promise<Redriven[]> => {
  const homeless = letters.filter(
    (letter) => !options.to && (letter.source.topic === null || letter.source.partition === null),
  );
  if (homeless.length > 0) throw new NoRedriveTargetError(homeless.map(letterId));
  const now = options.now ?? (() => new Date());
  const by = options.by ?? operator();
  const chunkSize = options.chunkSize ?? 500;
  const done: Redriven[] = [];
  const partitionOf = options.to ? await keyPartitioner(queue, options.to) : undefined;
  await queue.withProducer(async (producer) => {
    for (let start = 0; start < letters.length; start += chunkSize) {
      const chunk = letters.slice(start, start + chunkSize);
      const at = now();
      // Explicit partitions: each (topic, partition) gets one record batch per request, in
      // the letters' order, so the offset of each redriven record is its batch's base + index.
      const groups = new Map<string, { topic: string; partition: number; letters: DeadLetter[] }>();
      for (const letter of chunk) {
        const topic = options.to ?? (letter.source.topic as string);
        const partition = partitionOf
          ? partitionOf(letter.key)
          : (letter.source.partition as number);
        const id = `${topic}\u0000${partition}`;
        const group = groups.get(id) ?? { topic, partition, letters: [] };
        group.letters.push(letter);
        groups.set(id, group);
      }
      const results = await producer.sendBatch({
        acks: -1,
        topicMessages: [...groups.values()].map(({ topic, partition, letters: list }) => ({
          topic,
          messages: list.map((letter) => ({
            key: letter.key,
            value: letter.value,
            headers: redriveHeaders(letter, at),
            partition,
          })),
        })),
      });
      const sent: Redriven[] = [];
      for (const { topic, partition, letters: list } of groups.values()) {
        const result = results.find(
          (entry) => entry.topicName === topic && entry.partition === partition,
        );
        const base = BigInt(result?.baseOffset ?? '-1');
        list.forEach((letter, index) =>
          sent.push({
            letter: letterId(letter),
            topic,
            partition,
            offset: base < 0n ? '-1' : (base + BigInt(index)).toString(),
          }),
        );
      }
      await queue.record(
        sent.map((entry): LetterAction => ({
          letter: entry.letter,
          action: 'redriven',
          at: at.toISOString(),
          by,
          to: { topic: entry.topic, partition: entry.partition, offset: entry.offset },
        })),
      );
      done.push(...sent);
      options.onProgress?.(done.length, letters.length);
    }
  });
  return done;
};

/** The partition the producer's default partitioner gives a key on topic (what any fleet producer would pick). */
const keyPartitioner = async (
  queue: DeadLetterQueue,
  topic: string,
): Promise<(key: string | null) => number> => {
  const metadata = await queue.admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
  const partitionMetadata = metadata?.topics.find((entry) => entry.name === topic)?.partitions;
  if (!partitionMetadata || partitionMetadata.length === 0)
    throw new Error(`--to names ${topic}, which does not exist`);
  const partitioner = Partitioners.DefaultPartitioner();
  return (key) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
};

/** Records letters as purged: they stay readable (`--status purged`) until the DLQ is truncated past them. */
export const purge = async (
  queue: DeadLetterQueue,
  letters: readonly DeadLetter[],
  options: { now?: () => Date; by?: string } = {},
): Promise<number> => {
  const at = (options.now ?? (() => new Date()))().toISOString();
  const by = options.by ?? operator();
  await queue.record(
    letters.map((letter): LetterAction => ({ letter: letterId(letter), action: 'purged', at, by })),
  );
  return letters.length;
};
