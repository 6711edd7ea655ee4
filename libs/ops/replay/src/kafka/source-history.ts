import type { Admin } from 'kafkajs';
import { HISTORY_CONFIGS } from '@qf/contracts';
import { checkTopic, describeTopics } from '@qf/shared-kafka';
import { topicEnds } from './partition-positions';

/** What a replay's source topic still holds, and what could make it lose more. */
export interface SourceHistory {
  /** Partitions whose log no longer starts at offset 0 (records deleted by retention). */
  readonly truncated: ReadonlyArray<{ partition: number; firstOffset: number }>;
  /** Settings that delete or compact away records: nothing lost yet, perhaps, but it will be. */
  readonly risks: readonly string[];
  /** Compaction removes older records of a key without moving the log start. */
  readonly compacted: boolean;
}

/**
 * Reads whether a replay's source still holds its whole history: every partition must
 * start at offset 0 and the topic must not be compacted. Its retention settings are
 * checked against the fleet's topic specification too.
 */
export const sourceHistory = async (admin: Admin, topic: string): Promise<SourceHistory> => {
  const ends = await topicEnds(admin, topic);
  const truncated = ends
    .filter(({ low }) => low > 0)
    .map(({ partition, low }) => ({ partition, firstOffset: low }));
  const existing = (await describeTopics(admin, [topic])).get(topic);
  const verdict = existing
    ? checkTopic(
        {
          topic,
          numPartitions: existing.partitions,
          keepsHistory: true,
          configEntries: Object.entries(HISTORY_CONFIGS)
            .filter(([name]) => name !== 'unclean.leader.election.enable')
            .map(([name, value]) => ({ name, value })),
        },
        existing,
      )
    : { fatal: [], drift: [] };
  return {
    truncated,
    risks: verdict.fatal.map(
      (problem) => `${problem.setting}=${problem.actual}: ${problem.consequence}`,
    ),
    compacted: (existing?.configs['cleanup.policy'] ?? '').split(',').includes('compact'),
  };
};

/** The source no longer holds every record: a rebuild from it would silently miss history. */
export class TruncatedSourceError extends Error {
  readonly code = 'REPLAY.TRUNCATED_SOURCE';
  readonly retriable = false;
  constructor(
    readonly topic: string,
    readonly history: SourceHistory,
  ) {
    const parts = [
      ...history.truncated.map(
        ({ partition, firstOffset }) => `partition ${partition} starts at offset ${firstOffset}`,
      ),
      ...(history.compacted ? ['the topic is compacted (older records of a key are removed)'] : []),
    ];
    super(
      `refusing to rebuild from ${topic}: it no longer holds its whole history (${parts.join('; ')}). ` +
        'Nothing was changed. A rebuild would miss the deleted records; pass --allow-truncated to rebuild from what is left.',
    );
  }
}

/** Refuses a source that lost history unless allowed; reports settings that will lose it later. */
export const assertWholeHistory = async (
  admin: Admin,
  topic: string,
  options: { allowTruncated: boolean; warn: (message: string) => void },
): Promise<void> => {
  const history = await sourceHistory(admin, topic);
  if ((history.truncated.length > 0 || history.compacted) && !options.allowTruncated)
    throw new TruncatedSourceError(topic, history);
  if (history.truncated.length > 0 || history.compacted)
    options.warn(
      `--allow-truncated: rebuilding from what ${topic} still holds (${history.truncated.length} partition(s) truncated)`,
    );
  for (const risk of history.risks)
    options.warn(`${topic} will lose history: ${risk} (fix: npx qf topics fix)`);
};
