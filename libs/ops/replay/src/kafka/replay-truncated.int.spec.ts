import {
  expectedReadModels,
  produceEvents,
  randomHistories,
  readModelSnapshot,
  useProjectionInfra,
} from '@qf/player-read-model/testing';
import { readModelCollections } from '@qf/player-read-model';
import { ensureFleetTopics } from '@qf/shared-kafka';
import { TruncatedSourceError } from './source-history';
import { parseReplayTarget } from '../plan/replay-target';
import { runReplay, type ReplayOptions } from '../runner/run-replay';

jest.setTimeout(180_000);
process.env['QF_LOG_LEVEL'] ??= 'error';

/** A rebuild from a log that lost records would silently miss history: refused unless asked for. */
describe('qf replay from a source that lost history', () => {
  const infra = useProjectionInfra('replay-truncated');

  it('refuses before it plans or drops anything, names the partitions, and rebuilds what is left with --allow-truncated', async () => {
    const { prefix, topics: names, db } = infra.world('truncated');
    infra.beforeTeardown(() =>
      infra.admin
        .deleteTopics({ topics: [names.events, names.eventsDeadLetter] })
        .catch(() => undefined),
    );
    await ensureFleetTopics(infra.admin, ['events', 'eventsDeadLetter'], { names, partitions: 2 });
    const log = randomHistories({ players: 10, commandsPerPlayer: 8, seed: 41 });
    await produceEvents(infra.producer, names.events, log);
    // What retention does to an old log: the first records of a partition are gone.
    const [fullest] = (await infra.admin.fetchTopicOffsets(names.events)).sort(
      (a, b) => Number(b.high) - Number(a.high),
    );
    const partition = fullest!.partition;
    expect(Number(fullest!.high)).toBeGreaterThan(3);
    await infra.admin.deleteTopicRecords({
      topic: names.events,
      partitions: [{ partition, offset: '3' }],
    });

    const options: ReplayOptions = {
      target: parseReplayTarget('player_details'),
      prefix,
      replicas: 1,
      graceSeconds: 0,
      keepOld: false,
      maxLag: 0,
      pollMs: 200,
    };
    const refusal = (await runReplay({ kafka: infra.kafka, db }, options).catch(
      (error: unknown) => error,
    )) as TruncatedSourceError;
    expect(refusal).toBeInstanceOf(TruncatedSourceError);
    expect(refusal.message).toMatch(new RegExp(`partition ${partition} starts at offset 3`));
    expect(refusal.message).toMatch(/--allow-truncated/);
    expect(await db.listCollections().toArray()).toEqual([]);

    const outcome = await runReplay(
      { kafka: infra.kafka, db },
      { ...options, allowTruncated: true },
    );
    expect(outcome).toMatchObject({ id: 'player_details@v2', status: 'dropped' });
    // What is left was rebuilt, and it is not the whole history.
    const rebuilt = await readModelSnapshot(db, readModelCollections('v2'));
    expect(rebuilt.playerDetails.length).toBeGreaterThan(0);
    expect(rebuilt).not.toEqual(expectedReadModels(log));
  });
});
