import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import type { Arch, Pm2Driver } from '@qf/fleet';
import { replicaName } from '@qf/fleet';
import {
  findRecorded,
  INFRA_PREFIX,
  isRecordedAlive,
  listRecorded,
  stopRecorded,
  type InfraContext,
} from '@qf/local-infra';
import type { TopicNames } from '@qf/contracts';
import type { FaultName } from './fault-catalog';

/** What a fault acts on. */
export interface FaultContext {
  readonly arch: Arch;
  readonly driver: Pm2Driver;
  /** The drill's infrastructure context (its private servers' pids). */
  readonly infra: InfraContext;
  /** Starts the private servers that are not running. */
  readonly restartInfra: () => Promise<void>;
  readonly admin: Admin;
  readonly topics: TopicNames;
  /** db-restart / redis-restart: stop with SIGTERM (clean) or SIGKILL (a crash). */
  readonly signal: 'TERM' | 'KILL';
  /** processor-pause: how long the process is frozen (past its session timeout). */
  readonly pauseMs: number;
  /** kafka-outage: how long every broker is down. */
  readonly outageMs: number;
  readonly clock: () => number;
  readonly log: (line: string) => void;
}

/** What the fault did and when (drill clock). */
export interface FaultEvent {
  readonly description: string;
  readonly injectedAtMs: number;
  /** When the fault ended (the process resumed, the server answered again); absent when it stays (a kill). */
  readonly endedAtMs?: number;
}

const signalProcess = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch (error) {
    throw new Error(`could not send ${signal} to pid ${pid}: ${(error as Error).message}`);
  }
};

/** The second replica of a service (pm2 knows its pid). */
const secondReplica = async (driver: Pm2Driver, service: string) => {
  const name = replicaName(service, 1);
  const proc = (await driver.list()).find((candidate) => candidate.name === name);
  if (!proc || proc.pid <= 0)
    throw new Error(`${name} is not running: the drill needs two ${service} replicas`);
  return proc;
};

const killReplica = async (fault: FaultContext, service: string): Promise<FaultEvent> => {
  const proc = await secondReplica(fault.driver, service);
  const injectedAtMs = fault.clock();
  signalProcess(proc.pid, 'SIGKILL');
  return { description: `SIGKILL ${proc.name} (pid ${proc.pid})`, injectedAtMs };
};

const pauseProcessor = async (fault: FaultContext): Promise<FaultEvent> => {
  const proc = await secondReplica(fault.driver, 'command-processor');
  const injectedAtMs = fault.clock();
  signalProcess(proc.pid, 'SIGSTOP');
  fault.log(`SIGSTOP ${proc.name} (pid ${proc.pid}) for ${fault.pauseMs / 1000} s`);
  await sleep(fault.pauseMs);
  signalProcess(proc.pid, 'SIGCONT');
  return {
    description: `SIGSTOP ${proc.name} (pid ${proc.pid}) for ${fault.pauseMs / 1000} s, then SIGCONT`,
    injectedAtMs,
    endedAtMs: fault.clock(),
  };
};

/** The broker leading the partition with the most records of the architecture's busiest topic. */
const busiestLeader = async (
  fault: FaultContext,
): Promise<{ node: number; topic: string; partition: number }> => {
  const topic = fault.arch === 'es' ? fault.topics.events : fault.topics.crudAudit;
  const [offsets, metadata] = await Promise.all([
    fault.admin.fetchTopicOffsets(topic),
    fault.admin.fetchTopicMetadata({ topics: [topic] }),
  ]);
  const busiest = [...offsets].sort((a, b) => Number(b.high) - Number(a.high))[0];
  const partition = metadata.topics[0]?.partitions.find(
    (entry) => entry.partitionId === busiest?.partition,
  );
  if (!busiest || !partition) throw new Error(`no partition of ${topic} to find a leader of`);
  return { node: partition.leader, topic, partition: busiest.partition };
};

const killBroker = async (fault: FaultContext): Promise<FaultEvent> => {
  const { node, topic, partition } = await busiestLeader(fault);
  const record = findRecorded(fault.infra, `${INFRA_PREFIX}kafka-${node}`);
  if (!record || !isRecordedAlive(record))
    throw new Error(`broker ${node} is not a process this drill started`);
  const injectedAtMs = fault.clock();
  // The whole process group: the JVM dies as in a power loss, no controlled shutdown.
  signalProcess(-record.pid, 'SIGKILL');
  return {
    description: `SIGKILL broker ${node} (pid ${record.pid}), leader of ${topic}[${partition}]`,
    injectedAtMs,
  };
};

const stopAndRestart = async (
  fault: FaultContext,
  component: string,
  signal: 'TERM' | 'KILL',
  downMs: number,
): Promise<FaultEvent> => {
  const records = listRecorded(fault.infra, `${INFRA_PREFIX}${component}`).filter(isRecordedAlive);
  if (records.length === 0) throw new Error(`no ${component} process of this drill is running`);
  const injectedAtMs = fault.clock();
  if (signal === 'KILL') for (const record of records) signalProcess(-record.pid, 'SIGKILL');
  await Promise.all(records.map((record) => stopRecorded(fault.infra, record)));
  const stoppedAt = fault.clock();
  fault.log(
    `${component}: stopped (${records.map((record) => `pid ${record.pid}`).join(', ')}, SIG${signal}) in ${((stoppedAt - injectedAtMs) / 1000).toFixed(1)} s`,
  );
  await sleep(Math.max(0, downMs - (stoppedAt - injectedAtMs)));
  await fault.restartInfra();
  const endedAtMs = fault.clock();
  return {
    description: `SIG${signal} ${component} (${records.map((record) => `pid ${record.pid}`).join(', ')}), started again; down ${((endedAtMs - injectedAtMs) / 1000).toFixed(1)} s`,
    injectedAtMs,
    endedAtMs,
  };
};

/** Injects the fault; resolves once it is over (a pause resumed, a server back) or done (a kill). */
export const injectFault = async (name: FaultName, fault: FaultContext): Promise<FaultEvent> => {
  switch (name) {
    case 'processor-kill':
      return killReplica(fault, 'command-processor');
    case 'projector-kill':
      return killReplica(fault, 'projector');
    case 'relay-kill':
      return killReplica(fault, 'outbox-relay');
    case 'audit-kill':
      return killReplica(fault, 'audit-consumer');
    case 'processor-pause':
      return pauseProcessor(fault);
    case 'broker-kill':
      return killBroker(fault);
    case 'kafka-outage':
      return stopAndRestart(fault, 'kafka', 'TERM', fault.outageMs);
    case 'db-restart':
      return stopAndRestart(fault, 'mongo', fault.signal, 0);
    case 'redis-restart':
      return stopAndRestart(fault, 'redis', fault.signal, 0);
    default: {
      const unknown: never = name;
      throw new Error(`unknown fault ${String(unknown)}`);
    }
  }
};
