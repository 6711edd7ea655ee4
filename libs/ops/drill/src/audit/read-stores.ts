import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { type TopicNames } from '@qf/contracts';
import { decodeEvent } from '@qf/player-wire';
import { COLLECTIONS } from '@qf/player-crud';
import { readModelCollections } from '@qf/player-read-model';
import { consumerGroupLag, readPartitionToEnd } from '@qf/shared-kafka';
import type { StoreContents, StoredEventRef } from '../ledger/ledger';

/** Every event of the ES event store, read to its last committed record. */
export const readEventStore = async (
  kafka: Kafka,
  admin: Admin,
  topic: string,
): Promise<StoredEventRef[]> => {
  const partitions = (await admin.fetchTopicOffsets(topic)).map((entry) => entry.partition);
  const events: StoredEventRef[] = [];
  for (const partition of partitions) {
    await readPartitionToEnd(
      kafka,
      admin,
      topic,
      partition,
      (message) => {
        const { metadata } = decodeEvent(message.value);
        events.push({
          eventId: metadata.eventId,
          playerId: metadata.aggregateId,
          version: metadata.version,
          commandId: metadata.causationId,
        });
      },
      { groupPrefix: 'qf-drill-audit' },
    );
  }
  return events;
};

const versionsOf = async (db: Db, collection: string): Promise<Map<string, number>> =>
  new Map(
    (
      await db
        .collection<{ _id: string; version: number }>(collection)
        .find({}, { projection: { _id: 1, version: 1 } })
        .toArray()
    ).map((doc) => [doc._id, doc.version]),
  );

interface AuditEntry {
  readonly _id: string;
  readonly playerId: string;
  readonly version: number;
  readonly metadata: { readonly causationId: string };
}

/** What the stores hold once the run settled: ES event log + read model, or CRUD documents + audit log. */
export const readStores = async (
  arch: 'es' | 'crud',
  deps: { kafka: Kafka; admin: Admin; db: Db; topics: TopicNames },
): Promise<StoreContents[]> => {
  if (arch === 'es') {
    return [
      {
        name: 'event store',
        kind: 'events',
        events: await readEventStore(deps.kafka, deps.admin, deps.topics.events),
      },
      {
        name: 'read model',
        kind: 'versions',
        versions: await versionsOf(deps.db, readModelCollections().playerDetails),
      },
    ];
  }
  const audit = await deps.db
    .collection<AuditEntry>(COLLECTIONS.auditLog)
    .find({}, { projection: { _id: 1, playerId: 1, version: 1, 'metadata.causationId': 1 } })
    .toArray();
  return [
    {
      name: 'player documents',
      kind: 'versions',
      versions: await versionsOf(deps.db, COLLECTIONS.players),
    },
    {
      name: 'audit log',
      kind: 'events',
      events: audit.map((entry) => ({
        eventId: entry._id,
        playerId: entry.playerId,
        version: entry.version,
        commandId: entry.metadata.causationId,
      })),
    },
  ];
};

/**
 * Waits until the derived stores have caught up with what was written: the consumer
 * groups have no lag (and, on the CRUD side, no outbox is pending). Resolves false when
 * that does not happen within timeoutMs; the audit then shows what is missing.
 */
export const awaitSettled = async (
  arch: 'es' | 'crud',
  deps: { admin: Admin; db: Db; topics: TopicNames; groups: readonly string[] },
  timeoutMs: number,
): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  const topic = arch === 'es' ? deps.topics.events : deps.topics.crudAudit;
  while (Date.now() < deadline) {
    try {
      const rows = (
        await Promise.all(
          deps.groups.map((group) =>
            consumerGroupLag(deps.admin, group, [topic], { offsetsOnly: true }),
          ),
        )
      ).flat();
      const lagging = rows.length === 0 || rows.some((row) => row.offsetLag > 0);
      const pendingOutbox =
        arch === 'crud'
          ? await deps.db
              .collection(COLLECTIONS.players)
              .countDocuments({ outboxPending: { $gt: 0 } })
          : 0;
      if (!lagging && pendingOutbox === 0) return true;
    } catch {
      // A server coming back after the fault: look again.
    }
    await sleep(1000);
  }
  return false;
};
