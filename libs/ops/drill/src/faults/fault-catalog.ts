import type { Arch, Scale } from '@qf/fleet';

export const FAULT_NAMES = [
  'processor-kill',
  'projector-kill',
  'relay-kill',
  'audit-kill',
  'processor-pause',
  'broker-kill',
  'kafka-outage',
  'db-restart',
  'redis-restart',
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** What a fault needs the drill to run on its own, so that it may kill it (never the shared servers). */
export interface PrivateInfra {
  /** Kafka nodes of a private cluster; absent: the shared Kafka. */
  readonly kafkaBrokers?: 1 | 3;
  readonly mongo?: boolean;
  readonly redis?: boolean;
}

/** One fault a drill can inject. */
export interface FaultSpec {
  readonly name: FaultName;
  readonly summary: string;
  readonly arches: readonly Arch[];
  /** Replicas of the fleet it runs against (two of the service it kills). */
  readonly scale: (arch: Arch) => Scale;
  readonly privateInfra: (brokers: number) => PrivateInfra;
}

const es = (extra: Scale = {}): Scale => ({
  'command-gateway': 1,
  'command-processor': 2,
  projector: 1,
  'query-service': 1,
  ...extra,
});
const crud = (extra: Scale = {}): Scale => ({
  'crud-service': 1,
  'outbox-relay': 1,
  'audit-consumer': 1,
  ...extra,
});
const either = (arch: Arch, extra: Scale = {}): Scale => (arch === 'es' ? es(extra) : crud(extra));

export const FAULTS: Readonly<Record<FaultName, FaultSpec>> = {
  'processor-kill': {
    name: 'processor-kill',
    summary: 'SIGKILL one command processor of two; the other takes over its partitions',
    arches: ['es'],
    scale: () => es(),
    privateInfra: () => ({}),
  },
  'projector-kill': {
    name: 'projector-kill',
    summary: 'SIGKILL one projector of two; the other takes over its partitions',
    arches: ['es'],
    scale: () => es({ projector: 2 }),
    privateInfra: () => ({}),
  },
  'relay-kill': {
    name: 'relay-kill',
    summary: 'SIGKILL one outbox relay of two; the other publishes the pending outboxes',
    arches: ['crud'],
    scale: () => crud({ 'outbox-relay': 2 }),
    privateInfra: () => ({}),
  },
  'audit-kill': {
    name: 'audit-kill',
    summary: 'SIGKILL one audit consumer of two; the other takes over its partitions',
    arches: ['crud'],
    scale: () => crud({ 'audit-consumer': 2 }),
    privateInfra: () => ({}),
  },
  'processor-pause': {
    name: 'processor-pause',
    summary:
      'SIGSTOP one command processor past its session timeout, then SIGCONT: the zombie must be fenced',
    arches: ['es'],
    scale: () => es(),
    privateInfra: () => ({}),
  },
  'broker-kill': {
    name: 'broker-kill',
    summary:
      'SIGKILL the Kafka broker leading the busiest partition (3 brokers, RF 3, min.insync.replicas 2)',
    arches: ['es', 'crud'],
    scale: (arch) => either(arch),
    privateInfra: () => ({ kafkaBrokers: 3 }),
  },
  'kafka-outage': {
    name: 'kafka-outage',
    summary: 'stop every Kafka broker for the outage time, then start them again',
    arches: ['es', 'crud'],
    scale: (arch) => either(arch),
    privateInfra: (brokers) => ({ kafkaBrokers: brokers >= 3 ? 3 : 1 }),
  },
  'db-restart': {
    name: 'db-restart',
    summary:
      'stop the Mongo-wire server (SIGTERM, or SIGKILL with --signal KILL) and start it again',
    arches: ['es', 'crud'],
    scale: (arch) => either(arch),
    privateInfra: () => ({ mongo: true }),
  },
  'redis-restart': {
    name: 'redis-restart',
    summary:
      'stop Redis and start it again: reads go on from Mongo and never show an older view than Mongo has',
    arches: ['es'],
    scale: () => es(),
    privateInfra: () => ({ redis: true }),
  },
};

export const isFaultName = (value: string): value is FaultName =>
  (FAULT_NAMES as readonly string[]).includes(value);
