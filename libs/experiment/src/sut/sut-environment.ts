import net from 'node:net';

/**
 * Environment variables of the experiment process while it runs its own system under test.
 * The project's infrastructure and fleet code read their ports and identity from the
 * environment at each call, so the experiment sets them for its lifetime and restores them.
 */
export class EnvScope {
  private readonly saved = new Map<string, string | undefined>();

  set(values: Readonly<Record<string, string | undefined>>): void {
    for (const [key, value] of Object.entries(values)) {
      if (!this.saved.has(key)) this.saved.set(key, process.env[key]);
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  restore(): void {
    for (const [key, value] of this.saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    this.saved.clear();
  }
}

/** True when nothing listens on 127.0.0.1:port and we may bind it. */
export const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** Ports of the experiment's own Kafka (broker, controller = +1), Mongo-wire server and Redis. */
export interface SutPorts {
  readonly kafka: number;
  readonly mongo: number;
  readonly redis: number;
}

/** Where the search for free ports starts (QF_EXPERIMENT_PORT_BASE overrides it). */
export const DEFAULT_PORT_BASE = 39_000;

/**
 * Free ports for the own infrastructure: from `base` on, the first run of 4 consecutive free
 * ports (Kafka needs two in a row), tried in steps of 10 so two runs never interleave.
 */
export const chooseSutPorts = async (base = DEFAULT_PORT_BASE): Promise<SutPorts> => {
  for (let start = base; start + 3 < Math.min(base + 2000, 65_535); start += 10) {
    const ports = [start, start + 1, start + 2, start + 3];
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return { kafka: start, mongo: start + 2, redis: start + 3 };
  }
  throw new Error(
    `no 4 consecutive free ports between ${base} and ${base + 2000} for the experiment's own Kafka, Mongo-wire server and Redis (set QF_EXPERIMENT_PORT_BASE)`,
  );
};

/** The fleet identity the experiment uses unless QF_FLEET_ID is set: its own pm2 namespace and ports. */
export const EXPERIMENT_FLEET_ID = 'experiment';
/** Services on 3000 + 7000 …, gRPC on 50051 + 7000 …: clear of the default fleet and the tests' 12000. */
export const EXPERIMENT_PORT_OFFSET = 7000;
