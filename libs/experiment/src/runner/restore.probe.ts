import type { Admin, Kafka } from 'kafkajs';
import { decodeEvent } from '@qf/player-wire';
import { evolve, initialState, type PlayerState } from '@qf/player-domain';
import { decodeSnapshot, encodeSnapshot } from '@qf/player-es-write';
import { awaitTopicServing, ensureTopics, readPartitionToEnd } from '@qf/shared-kafka';

/** How long a command processor takes to restore every player's state, with and without snapshots. */
export interface RestoreFigures {
  readonly players: number;
  /** Snapshots off: every partition of the event log read from offset 0 and folded. */
  readonly fromEvents: { readonly records: number; readonly seconds: number };
  /** Snapshots on: every partition of the snapshot topic read and decoded (one record per player). */
  readonly fromSnapshots: {
    readonly records: number;
    readonly seconds: number;
    readonly bytesPerPlayer: number;
  };
}

export interface RestoreProbeOptions {
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** A filled event log (player.events layout: keyed by player id, in version order per partition). */
  readonly eventsTopic: string;
  /** Created here with the event log's partition count; the caller deletes it. */
  readonly snapshotsTopic: string;
  readonly groupPrefix: string;
}

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * What a partition owner does when it takes over, both ways: restore from the event log
 * (snapshots off: read every event of the partition and fold it) against restore from the
 * compacted snapshot topic (snapshots on: one record per player). Partitions are restored
 * one after the other, as one owner taking over all of them would. The snapshots are made
 * here from the fold, with the write model's own codec, and hold the state (a live one also
 * keeps the registering command's ledger line, a few dozen bytes). A live processor writes
 * snapshots periodically and restores from them plus the events after its checkpoint: the
 * two figures are the ends of that range. The two restores must agree player by
 * player, or this throws: a measurement of a restore that restored something else is no
 * measurement.
 */
export const measureRestore = async (options: RestoreProbeOptions): Promise<RestoreFigures> => {
  const { kafka, admin } = options;
  const partitions = (await admin.fetchTopicOffsets(options.eventsTopic)).map(
    (entry) => entry.partition,
  );
  const folded = new Map<string, { state: PlayerState; partition: number }>();
  let events = 0;
  const offStarted = process.hrtime.bigint();
  for (const partition of partitions) {
    const read = await readPartitionToEnd(
      kafka,
      admin,
      options.eventsTopic,
      partition,
      (message) => {
        const event = decodeEvent(message.value);
        const playerId = event.metadata.aggregateId;
        const state = folded.get(playerId)?.state ?? initialState(playerId);
        folded.set(playerId, { state: evolve(state, event), partition });
      },
      { groupPrefix: `${options.groupPrefix}-events` },
    );
    events += read.records;
  }
  const fromEventsSeconds = seconds(offStarted);

  await ensureTopics(admin, [
    {
      topic: options.snapshotsTopic,
      numPartitions: partitions.length,
      configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  ]);
  await awaitTopicServing(admin, options.snapshotsTopic);
  const bytes = await produceSnapshots(kafka, options.snapshotsTopic, folded);

  const restored = new Map<string, PlayerState>();
  let records = 0;
  const onStarted = process.hrtime.bigint();
  for (const partition of partitions) {
    const read = await readPartitionToEnd(
      kafka,
      admin,
      options.snapshotsTopic,
      partition,
      (message) => {
        // Compaction tombstones (none are written here) would carry no state.
        if (message.value === null) return;
        const snapshot = decodeSnapshot(message.value);
        restored.set(snapshot.state.id, snapshot.state);
      },
      { groupPrefix: `${options.groupPrefix}-snapshots` },
    );
    records += read.records;
  }
  const fromSnapshotsSeconds = seconds(onStarted);

  const differing = [...folded].filter(
    ([playerId, { state }]) => JSON.stringify(restored.get(playerId)) !== JSON.stringify(state),
  );
  if (differing.length > 0 || restored.size !== folded.size)
    throw new Error(
      `restore from snapshots gave ${restored.size} players, the fold ${folded.size}; ${differing.length} differ (e.g. ${differing[0]?.[0] ?? '-'})`,
    );
  return {
    players: folded.size,
    fromEvents: { records: events, seconds: fromEventsSeconds },
    fromSnapshots: {
      records,
      seconds: fromSnapshotsSeconds,
      bytesPerPlayer: folded.size > 0 ? Math.round(bytes / folded.size) : 0,
    },
  };
};

/** One snapshot per player on its events' partition, in sends of at most ~1 MB a partition. */
const produceSnapshots = async (
  kafka: Kafka,
  topic: string,
  folded: ReadonlyMap<string, { state: PlayerState; partition: number }>,
): Promise<number> => {
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  let bytes = 0;
  try {
    let batch: ReturnType<typeof encodeSnapshot>[] = [];
    for (const { state, partition } of folded.values()) {
      const record = encodeSnapshot({ state }, partition);
      bytes += Buffer.byteLength(record.value);
      batch.push(record);
      if (batch.length >= 1000) {
        await producer.send({ topic, acks: -1, messages: batch });
        batch = [];
      }
    }
    if (batch.length > 0) await producer.send({ topic, acks: -1, messages: batch });
  } finally {
    await producer.disconnect();
  }
  return bytes;
};
