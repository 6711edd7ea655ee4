import type { Producer } from 'kafkajs';
import { encodeEvent } from '@qf/player-wire';
import type { PlayerEvent } from '@qf/player-domain';

/** Produces events onto topic as the command processor would (encodeEvent, key = player id), in chunks. */
export const produceEvents = async (
  producer: Producer,
  topic: string,
  events: readonly PlayerEvent[],
  chunkSize = 2000,
): Promise<void> => {
  for (let start = 0; start < events.length; start += chunkSize) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(start, start + chunkSize).map(encodeEvent),
    });
  }
};
