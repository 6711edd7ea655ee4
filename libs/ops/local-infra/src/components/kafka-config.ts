import { randomBytes } from 'node:crypto';
/** Ports of node `n` (1-based) in the local KRaft cluster: broker 9092, 9094, …; controller +1. */
export const kafkaPorts = (node: number, basePort: number) => ({
  broker: basePort + (node - 1) * 2,
  controller: basePort + (node - 1) * 2 + 1,
});

/**
 * A cluster that may lose a node should notice it within seconds. KRaft's defaults fence a
 * silent broker after 9 s (2 s heartbeats) and keep a silent follower in the ISR for 30 s,
 * during which acks=all writes to its partitions wait: `qf drill broker-kill` measured about
 * ten seconds of failed commands after a SIGKILL with them. Not for a single node, where
 * fencing the only broker would take every partition offline on a busy machine.
 */
const failoverProperties: Record<string, number> = {
  'broker.heartbeat.interval.ms': 500,
  'broker.session.timeout.ms': 3000,
  'replica.lag.time.max.ms': 10_000,
  // The nodes are combined broker+controller: a killed broker is the active controller one
  // time in three, and the fence above only starts once a new one is active. A follower
  // notices a silent controller after the fetch timeout (2 s by default) and elects within
  // the election timeout (1 s): halved, as the nodes share one machine (no network delay).
  'controller.quorum.fetch.timeout.ms': 1000,
  'controller.quorum.election.timeout.ms': 500,
  'controller.quorum.election.backoff.max.ms': 500,
};

/**
 * server.properties for one combined broker+controller KRaft node. Settings chosen for a
 * small shared machine: few internal partitions, no initial rebalance delay (consumer
 * groups form at once), replication 3 / min ISR 2 when there are three nodes.
 */
export const kafkaNodeProperties = (options: {
  node: number;
  nodes: number;
  basePort: number;
  logDir: string;
}): string => {
  const { node, nodes, basePort, logDir } = options;
  const ports = kafkaPorts(node, basePort);
  const voters = Array.from(
    { length: nodes },
    (_, i) => `${i + 1}@127.0.0.1:${kafkaPorts(i + 1, basePort).controller}`,
  );
  const replication = nodes >= 3 ? 3 : 1;
  const minIsr = nodes >= 3 ? 2 : 1;
  const properties: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node,
    'controller.quorum.voters': voters.join(','),
    listeners: `PLAINTEXT://127.0.0.1:${ports.broker},CONTROLLER://127.0.0.1:${ports.controller}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.broker}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': logDir,
    'num.partitions': 1,
    'default.replication.factor': replication,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': replication,
    'offsets.topic.num.partitions': 12,
    'transaction.state.log.replication.factor': replication,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 12,
    'group.initial.rebalance.delay.ms': 0,
    // Topics are created explicitly (with their partition counts and configs) by the services.
    'auto.create.topics.enable': false,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.retention.hours': 168,
    'log.segment.bytes': 256 * 1024 * 1024,
    // Local brokers may sit idle for long: keep the group session floor low for fast failover tests.
    'group.min.session.timeout.ms': 6000,
    'transaction.max.timeout.ms': 900000,
    'delete.topic.enable': true,
    ...(nodes >= 3 ? failoverProperties : {}),
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')
    .concat('\n');
};

/**
 * A cluster id can be given to `kafka-storage format -t`: one that starts with '-' (a random
 * base64url id does, 1 time in 64) is taken there for an option, and the format fails with
 * "argument --cluster-id/-t: expected one argument" (the drills' intermittent start failure).
 */
export const isUsableClusterId = (id: string): boolean => {
  const trimmed = id.trim();
  return trimmed.length === 22 && !trimmed.startsWith('-');
};

/** A random Kafka cluster id (16 bytes, base64url) that `isUsableClusterId`. */
export const newClusterId = (random: (size: number) => Buffer = randomBytes): string => {
  for (;;) {
    const id = random(16).toString('base64url');
    if (isUsableClusterId(id)) return id;
  }
};
