import net from 'node:net';

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
