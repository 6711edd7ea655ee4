import net from 'node:net';
import { REPLICA_PORT_STRIDE } from '@qf/fleet';
import { fleetCatalog } from '@qf/local-infra';

/** The first ports of a drill's private servers (Kafka node n: broker kafka + 2(n-1), controller +1). */
export interface DrillPorts {
  readonly kafka: number;
  readonly mongo: number;
  readonly redis: number;
}

/**
 * Where drills look for ports: below Linux's ephemeral range (32768-60999), so no outgoing
 * connection takes one between the check and the server's bind; above the fleets' HTTP
 * ports (3000-3130 + offsets up to 14000); below the shared Mongo-wire server's 27017.
 */
export const DRILL_PORT_RANGE = { from: 20_000, to: 27_000 } as const;

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () =>
      server.close(() => resolve(true)),
    );
  });

/**
 * A block of free ports for a drill's private servers: 2 per Kafka node (broker, controller),
 * then the Mongo-wire server and Redis. Fixed ports let a server left by a killed run (or a
 * concurrent drill) break the next one; a random free block lets drills and their tests run
 * side by side.
 */
export const findDrillPorts = async (
  kafkaNodes: number,
  { random = Math.random, isFree = canListen } = {},
): Promise<DrillPorts> => {
  const size = 2 * kafkaNodes + 2;
  const blocks = Math.floor((DRILL_PORT_RANGE.to - DRILL_PORT_RANGE.from) / 10);
  for (let attempt = 1; attempt <= 50; attempt += 1) {
    const base = DRILL_PORT_RANGE.from + Math.floor(random() * blocks) * 10;
    const ports = Array.from({ length: size }, (_, index) => base + index);
    if (base + size > DRILL_PORT_RANGE.to) continue;
    if ((await Promise.all(ports.map((port) => isFree(port)))).every(Boolean))
      return { kafka: base, mongo: base + 2 * kafkaNodes, redis: base + 2 * kafkaNodes + 1 };
  }
  throw new Error(
    `no block of ${size} free ports for the drill's servers between ${DRILL_PORT_RANGE.from} and ${DRILL_PORT_RANGE.to}`,
  );
};

/**
 * A fleet port offset (QF_FLEET_PORT_OFFSET) whose every port is free now: each service's
 * HTTP and gRPC port plus the offset, for each replica (REPLICA_PORT_STRIDE apart). Tests
 * that start a drill fleet use it: an offset taken from a hash of a random name collided
 * one time in forty with another checkout's test fleet on the same machine.
 */
export const findFreeFleetOffset = async ({
  from,
  slots = 40,
  replicas = 2,
  random = Math.random,
  isFree = canListen,
}: {
  from: number;
  slots?: number;
  replicas?: number;
  random?: () => number;
  isFree?: (port: number) => Promise<boolean>;
}): Promise<number> => {
  const base = fleetCatalog.flatMap((service) =>
    Array.from({ length: replicas }, (_, index) =>
      [service.httpPort, service.grpcPort].flatMap((port) =>
        port === undefined ? [] : [port + index * REPLICA_PORT_STRIDE],
      ),
    ).flat(),
  );
  for (let attempt = 1; attempt <= 50; attempt += 1) {
    const offset = from + Math.floor(random() * slots) * 10;
    if ((await Promise.all(base.map((port) => isFree(port + offset)))).every(Boolean))
      return offset;
  }
  throw new Error(`no fleet port offset from ${from} with every port free`);
};
