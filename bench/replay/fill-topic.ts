import type { Kafka, Message } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { encodeEvent } from '@qf/player-wire';
import { generateHistories } from '@qf/player-read-model/testing';
import type { ReplayBenchOptions } from './replay-bench.types';

type LogShape = Pick<ReplayBenchOptions, 'events' | 'players' | 'seed'>;

/**
 * The generated log of `players` players. ~85 % of the generated commands are accepted:
 * enough are generated for `events` events, and the caller cuts the log there. The fill
 * and the verification of a rebuild read the same log from these settings.
 */
export const generatedLog = (options: LogShape) =>
  generateHistories({
    players: options.players,
    commandsPerPlayer: Math.ceil(options.events / options.players / 0.8) + 1,
    seed: options.seed,
    rooms: 20,
    items: 12,
  });

/** Partition metadata the default partitioner needs to pick a partition for a key. */
const partitionMetadataOf = (partitions: number) =>
  Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
    offlineReplicas: [],
  }));

/**
 * Produces events onto topic in large batches: the next batch is generated and encoded
 * while the previous one is in flight (one request at a time, so each partition keeps
 * the players' version order). Partitions are assigned here with the producer's own
 * default partitioner (murmur2 of the key, as the command processor's records get).
 */
export const fillTopic = async (
  kafka: Kafka,
  topic: string,
  options: ReplayBenchOptions,
  say: (line: string) => void,
): Promise<{ events: number; players: number; bytes: number }> => {
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const partitionOf = Partitioners.DefaultPartitioner();
  const partitionMetadata = partitionMetadataOf(options.partitions);
  const events = generatedLog(options);
  const players = new Set<string>();
  // A partition's record batch must stay under the broker's message.max.bytes (1 MB): ~800 events of ~600 bytes.
  const batchSize = 800 * options.partitions;
  let produced = 0;
  let bytes = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lastSay = Date.now();
  try {
    while (produced < options.events) {
      const messages: Message[] = [];
      // next(), not for-of: leaving a for-of loop early would close the generator.
      for (let next = events.next(); !next.done; next = events.next()) {
        const message = encodeEvent(next.value);
        players.add(message.key);
        bytes += message.value.length;
        messages.push({
          ...message,
          partition: partitionOf({ topic, partitionMetadata, message }),
        });
        if (messages.length >= batchSize || produced + messages.length >= options.events) break;
      }
      if (messages.length === 0)
        throw new Error(`the generated log ran out at ${produced} events; raise --players`);
      await inFlight;
      inFlight = producer.send({ topic, acks: -1, messages });
      produced += messages.length;
      if (Date.now() - lastSay > 5000) {
        say(
          `  produced ${produced.toLocaleString('en-US')} / ${options.events.toLocaleString('en-US')}`,
        );
        lastSay = Date.now();
      }
    }
    await inFlight;
  } finally {
    await producer.disconnect();
  }
  return { events: produced, players: players.size, bytes };
};
