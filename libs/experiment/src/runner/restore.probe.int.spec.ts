import { topicNames } from '@qf/contracts';
import { generateHistories, produceEvents } from '@qf/player-read-model/testing';
import { awaitTopicServing, createKafka, ensureTopics } from '@qf/shared-kafka';
import { uniqueName } from '@qf/shared-testing';
import { measureRestore } from './restore.probe';

describe('snapshot restore on vs off', () => {
  it('restores every player from the event log and from snapshots made of it, and counts what it read', async () => {
    const kafka = createKafka(uniqueName('restore'));
    const admin = kafka.admin();
    await admin.connect();
    const topics = topicNames(`${uniqueName('restore')}.`);
    const groupPrefix = uniqueName('restore-group');
    const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
    try {
      await ensureTopics(admin, [{ topic: topics.events, numPartitions: 3 }]);
      await awaitTopicServing(admin, topics.events);
      const events = [
        ...generateHistories({ players: 40, commandsPerPlayer: 12, seed: 3, rooms: 5, items: 4 }),
      ];
      await producer.connect();
      await produceEvents(producer, topics.events, events);
      const players = new Set(events.map((event) => event.metadata.aggregateId));

      const figures = await measureRestore({
        kafka,
        admin,
        eventsTopic: topics.events,
        snapshotsTopic: topics.snapshots,
        groupPrefix,
      });

      expect(figures.players).toBe(players.size);
      expect(figures.fromEvents.records).toBe(events.length);
      expect(figures.fromSnapshots.records).toBe(players.size);
      expect(figures.fromSnapshots.bytesPerPlayer).toBeGreaterThan(100);
      const snapshotEnds = await admin.fetchTopicOffsets(topics.snapshots);
      expect(snapshotEnds).toHaveLength(3);
      // The restore's throwaway reader groups are gone.
      const { groups } = await admin.listGroups();
      expect(groups.filter((group) => group.groupId.startsWith(groupPrefix))).toEqual([]);
    } finally {
      await producer.disconnect();
      await admin
        .deleteTopics({ topics: [topics.events, topics.snapshots] })
        .catch(() => undefined);
      await admin.disconnect();
    }
  });
});
