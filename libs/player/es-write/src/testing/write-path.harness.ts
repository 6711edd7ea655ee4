import path from 'node:path';
import { repoRoot } from '@qf/shared-config';
import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { topicNames, type TopicNames } from '@qf/contracts';
import { decodeEvent } from '@qf/player-wire';
import { freePort, startServiceProcess, type ServiceProcess } from '@qf/shared-testing';
import type { PlayerEvent } from '@qf/player-domain';
import { createKafka } from '@qf/shared-kafka';
import { readPartitionToEnd } from '@qf/shared-kafka';

/** A gateway and processors started as child processes on topics of their own. */
export interface WritePath {
  readonly prefix: string;
  readonly topics: TopicNames;
  readonly partitions: number;
  readonly gatewayUrl: string;
  readonly grpcAddress: string;
  readonly gateway: ServiceProcess;
  readonly processors: ServiceProcess[];
  /** Starts one more processor replica (same group and topics), with extra environment of its own. */
  addProcessor(env?: Readonly<Record<string, string>>): Promise<ServiceProcess>;
  /** Stops every process still running and deletes the topics. */
  stop(): Promise<void>;
}

export interface WritePathOptions {
  readonly processors?: number;
  readonly partitions?: number;
  /** Extra environment for every service. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra environment for the processor of that index (0-based), e.g. a fault to inject. */
  readonly processorEnv?: ReadonlyArray<Readonly<Record<string, string>>>;
  /** Where the services' logs go (default .local/logs/e2e/<prefix>). */
  readonly logDir?: string;
}

/** Starts `processors` command processors, then a command gateway, on a fresh topic prefix. */
export const startWritePath = async (options: WritePathOptions = {}): Promise<WritePath> => {
  const prefix = `e2e-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}-`;
  const partitions = options.partitions ?? 4;
  const logDir =
    options.logDir ?? path.join(repoRoot, '.local', 'logs', 'e2e', prefix.slice(0, -1));
  const env = {
    QF_TOPIC_PREFIX: prefix,
    QF_PARTITIONS: String(partitions),
    QF_SESSION_TIMEOUT_MS: '6000',
    QF_KAFKA_LOG_LEVEL: 'error',
    ...options.env,
  };
  const processors: ServiceProcess[] = [];
  const started: ServiceProcess[] = [];
  const addProcessor = async (own: Readonly<Record<string, string>> = {}) => {
    const port = await freePort();
    const name = `command-processor-${processors.length + 1}`;
    const service = await startServiceProcess({
      name,
      entry: 'apps/command-processor/src/main.ts',
      healthPort: port,
      env: { ...env, ...own, QF_HTTP_PORT: String(port) },
      logFile: path.join(logDir, `${name}.log`),
    });
    processors.push(service);
    started.push(service);
    return service;
  };
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop(10_000)));
    const admin = createKafka('e2e-cleanup').admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    await admin
      .deleteTopics({
        topics: Object.values(topicNames(prefix)).filter((topic) => existing.has(topic)),
      })
      .catch(() => undefined);
    await admin.disconnect();
  };
  try {
    for (let index = 0; index < (options.processors ?? 1); index += 1)
      await addProcessor(options.processorEnv?.[index]);
    const port = await freePort();
    const grpcPort = await freePort();
    const gateway = await startServiceProcess({
      name: 'command-gateway',
      entry: 'apps/command-gateway/src/main.ts',
      healthPort: port,
      env: { ...env, QF_HTTP_PORT: String(port), QF_GRPC_PORT: String(grpcPort) },
      logFile: path.join(logDir, 'command-gateway.log'),
    });
    started.push(gateway);
    return {
      prefix,
      topics: topicNames(prefix),
      partitions,
      gatewayUrl: gateway.baseUrl,
      grpcAddress: `127.0.0.1:${grpcPort}`,
      gateway,
      processors,
      addProcessor,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};

/** An event as stored, with the partition it was read from. */
export interface StoredEvent {
  readonly partition: number;
  readonly offset: string;
  readonly event: PlayerEvent;
}

/** Reads every committed event of the event topic (read_committed, every partition to its end). */
export const readEventLog = async (
  topics: TopicNames,
  partitions: number,
): Promise<StoredEvent[]> => {
  const kafka = createKafka(`e2e-reader-${randomBytes(3).toString('hex')}`);
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const all: StoredEvent[] = [];
    for (let partition = 0; partition < partitions; partition += 1) {
      await readPartitionToEnd(
        kafka,
        admin,
        topics.events,
        partition,
        (message) =>
          all.push({ partition, offset: message.offset, event: decodeEvent(message.value) }),
        { groupPrefix: 'e2e-events' },
      );
    }
    return all;
  } finally {
    await admin.disconnect();
  }
};

/** Checks the event log's invariants; returns a list of violations (empty when it holds). */
export const eventLogViolations = (log: readonly StoredEvent[]): string[] => {
  const problems: string[] = [];
  const byPlayer = new Map<string, StoredEvent[]>();
  const ids = new Set<string>();
  for (const stored of log) {
    const list = byPlayer.get(stored.event.metadata.aggregateId) ?? [];
    list.push(stored);
    byPlayer.set(stored.event.metadata.aggregateId, list);
    if (ids.has(stored.event.metadata.eventId))
      problems.push(`duplicate event id ${stored.event.metadata.eventId}`);
    ids.add(stored.event.metadata.eventId);
  }
  for (const [playerId, events] of byPlayer) {
    const partitionsSeen = new Set(events.map((stored) => stored.partition));
    if (partitionsSeen.size !== 1)
      problems.push(`player ${playerId} has events in partitions ${[...partitionsSeen].join(',')}`);
    const ordered = [...events].sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    ordered.forEach((stored, index) => {
      if (stored.event.metadata.version !== index + 1)
        problems.push(
          `player ${playerId}: event #${index + 1} in the log has version ${stored.event.metadata.version}`,
        );
    });
  }
  return problems;
};
