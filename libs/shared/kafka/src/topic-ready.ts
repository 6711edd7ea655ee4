import type { Admin } from 'kafkajs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until every partition of a topic answers a list-offsets request from its leader.
 * A topic created a moment ago can have leaders in its metadata while the broker still
 * answers "This server does not host this topic-partition" for a few seconds (seen right
 * after a cold `qf infra up`), which fails a producer that writes to it at once.
 */
export const awaitTopicServing = async (
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.fetchTopicOffsets(topic);
      return;
    } catch (error) {
      if (Date.now() >= deadline)
        throw new Error(
          `topic ${topic} is not served by its leaders after ${timeoutMs} ms: ${error instanceof Error ? error.message : String(error)}`,
        );
      await sleep(Math.min(2000, 100 * attempt));
    }
  }
};
