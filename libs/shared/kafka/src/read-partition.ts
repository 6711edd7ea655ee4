import type { Admin, Kafka, KafkaMessage } from 'kafkajs';
import { readRange, type ReadRangeOptions } from './read-range';

/**
 * Reads one partition from its beginning up to the offset its last committed record ends
 * at (read_committed: the last stable offset), calling onMessage in order.
 */
export const readPartitionToEnd = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
  partition: number,
  onMessage: (message: KafkaMessage) => void,
  options: ReadRangeOptions = {},
): Promise<{ records: number; endOffset: bigint }> => {
  const offsets = await admin.fetchTopicOffsets(topic);
  const bounds = offsets.find((entry) => entry.partition === partition);
  if (!bounds) throw new Error(`${topic} has no partition ${partition}`);
  const end = BigInt(bounds.high);
  const records = await readRange(
    kafka,
    admin,
    topic,
    partition,
    BigInt(bounds.low),
    end,
    (message) => {
      onMessage(message);
    },
    options,
  );
  return { records, endOffset: end };
};
