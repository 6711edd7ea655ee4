import { randomUUID } from 'node:crypto';
import type { Admin, KafkaMessage } from 'kafkajs';
import { HEADERS, headerString } from '@qf/contracts';
import {
  eventLogViolations,
  readEventLog,
  sendUntilDecided,
  startWritePath,
  type WritePath,
} from '@qf/player-es-write/testing';
import { createKafka, readPartitionToEnd } from '@qf/shared-kafka';
import { eventually } from '@qf/shared-testing';

jest.setTimeout(300_000);

const kafka = createKafka(`poison-spec-${randomUUID().slice(0, 6)}`);

const produce = async (
  topic: string,
  messages: Array<{ key: string; value: string | null; partition: number }>,
) => {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
};

const readAll = async (admin: Admin, topic: string, partition: number): Promise<KafkaMessage[]> => {
  const messages: KafkaMessage[] = [];
  await readPartitionToEnd(kafka, admin, topic, partition, (message) => messages.push(message), {
    groupPrefix: 'poison-spec',
  });
  return messages;
};

const health = async (path: WritePath, index: number) =>
  (await (await fetch(`${path.processors[index]!.baseUrl}/health`)).json()) as {
    status: string;
    checks: Record<string, true | string>;
  };

/** Registers a player and moves it `moves` times; returns its id and partition. */
const playerWithHistory = async (path: WritePath, moves: number) => {
  const playerId = randomUUID();
  await sendUntilDecided(path.gatewayUrl, '/players', {
    playerId,
    name: 'Poison',
    startRoom: 'gate',
  });
  for (let index = 0; index < moves; index += 1)
    await sendUntilDecided(path.gatewayUrl, `/players/${playerId}/move`, {
      toRoom: `room-${index}`,
    });
  const log = await readEventLog(path.topics, path.partitions);
  const partition = log.find((stored) => stored.event.metadata.aggregateId === playerId)!.partition;
  return { playerId, partition };
};

describe('command processor: poison snapshots and stuck slots', () => {
  it('dead-letters an unreadable snapshot, takes a tombstone as a delete, and rebuilds both players from their events', async () => {
    // Snapshots at every change, so both players have one to spoil.
    const path = await startWritePath({
      processors: 1,
      partitions: 2,
      env: { QF_PROCESSOR_CHECKPOINT_INTERVAL_MS: '0' },
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const spoiled = await playerWithHistory(path, 3);
      const deleted = await playerWithHistory(path, 2);
      await path.processors[0]!.stop();
      await produce(path.topics.snapshots, [
        {
          key: spoiled.playerId,
          value: '{"schemaVersion":99,"state":"from the future"}',
          partition: spoiled.partition,
        },
        { key: deleted.playerId, value: null, partition: deleted.partition },
      ]);

      await path.addProcessor();
      // Both players go on from their real versions (4 and 3): rebuilt from their events.
      const next = await sendUntilDecided(path.gatewayUrl, `/players/${spoiled.playerId}/move`, {
        toRoom: 'after',
      });
      expect(next.body).toMatchObject({ version: 5, events: [{ data: { fromRoom: 'room-2' } }] });
      const other = await sendUntilDecided(path.gatewayUrl, `/players/${deleted.playerId}/move`, {
        toRoom: 'after',
      });
      expect(other.body).toMatchObject({ version: 4, events: [{ data: { fromRoom: 'room-1' } }] });
      expect(eventLogViolations(await readEventLog(path.topics, path.partitions))).toEqual([]);

      // The unreadable record went to the dead-letter topic, named as a snapshot; the tombstone did not.
      const dead = await readAll(admin, path.topics.commandsDeadLetter, spoiled.partition);
      expect(
        dead.map((message) => [
          message.key?.toString(),
          headerString(message.headers, HEADERS.sourceTopic),
          JSON.parse(headerString(message.headers, HEADERS.error) ?? '{}').code,
        ]),
      ).toEqual([[spoiled.playerId, path.topics.snapshots, 'SNAPSHOT.UNREADABLE']]);
      expect(await health(path, 1)).toMatchObject({ status: 'ok' });
      // A readable snapshot supersedes the spoiled one: a second restore dead-letters nothing more.
      const snapshots = await readAll(admin, path.topics.snapshots, spoiled.partition);
      expect(JSON.parse(snapshots.at(-1)?.value?.toString() ?? '{}')).toMatchObject({
        schemaVersion: 3,
        state: { id: expect.any(String) },
      });
    } finally {
      await admin.disconnect();
      await path.stop();
    }
  });

  it('says which slot is stuck in a retry loop (unreadable event) on /health instead of staying green, and serves the others', async () => {
    const path = await startWritePath({
      processors: 1,
      partitions: 2,
      env: { QF_PROCESSOR_SLOTS: '2' },
    });
    try {
      const stuck = await playerWithHistory(path, 1);
      let healthy = await playerWithHistory(path, 1);
      while (healthy.partition === stuck.partition) healthy = await playerWithHistory(path, 1);
      await path.processors[0]!.stop();
      await produce(path.topics.events, [
        { key: 'someone', value: 'not an event', partition: stuck.partition },
      ]);
      await path.addProcessor();
      await eventually(
        async () => {
          const report = await health(path, 1);
          expect(report.status).toBe('unavailable');
          expect(report.checks['slots']).toMatch(
            new RegExp(
              `^slot ${stuck.partition} \\(partitions ${stuck.partition}\\) could not be restored: malformed event record.*\\d+ attempts since .*its commands wait, retrying$`,
            ),
          );
          const metrics = await (await fetch(`${path.processors[1]!.baseUrl}/metrics`)).text();
          expect(metrics).toMatch(/qf_processor_slots_failing 1/);
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      // The other slot is served meanwhile; the process stays alive (no restart into the same loop).
      const served = await sendUntilDecided(path.gatewayUrl, `/players/${healthy.playerId}/move`, {
        toRoom: 'elsewhere',
      });
      expect(served.status).toBe(200);
      expect((await health(path, 1)).checks['consumer']).toBe(true);
    } finally {
      await path.stop();
    }
  });
});
