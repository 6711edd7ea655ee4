import { fleetCatalog, type ServiceSpec } from '@qf/local-infra';
import { fleetIdentity } from './fleet-identity';

export type Arch = 'es' | 'crud';
export type ArchChoice = Arch | 'both';

/** How many replicas of each service, by catalog name. */
export type Scale = Readonly<Record<string, number>>;

/** One process of the fleet. */
export interface ReplicaPlan {
  /** Process name, e.g. `qf-projector-2` (1-based replica number). */
  readonly name: string;
  readonly service: ServiceSpec;
  /** 0-based replica index. */
  readonly index: number;
  readonly httpPort: number;
  readonly grpcPort?: number;
}

/** Short names people type for the services. */
const aliases: Record<string, string> = {
  gateway: 'command-gateway',
  processor: 'command-processor',
  'command-processors': 'command-processor',
  projectors: 'projector',
  query: 'query-service',
  crud: 'crud-service',
  relay: 'outbox-relay',
  audit: 'audit-consumer',
};

/** Replicas of one service listen on ports this far apart (HTTP and gRPC). */
export const REPLICA_PORT_STRIDE = 200;
/** Upper bound of replicas per service on one machine. */
export const MAX_REPLICAS = 12;

/** Thrown for a bad `--scale` / `--arch` value; the message names the flag. */
export class FleetPlanError extends Error {}

export const resolveServiceName = (name: string): string => {
  const resolved = aliases[name] ?? name;
  if (!fleetCatalog.some((spec) => spec.name === resolved)) {
    throw new FleetPlanError(
      `unknown service "${name}"; known: ${fleetCatalog.map((spec) => spec.name).join(', ')} (or gateway, processor, query, crud, relay, audit)`,
    );
  }
  return resolved;
};

export const servicesOf = (arch: ArchChoice): ServiceSpec[] =>
  fleetCatalog.filter((spec) => arch === 'both' || spec.arch === arch);

/**
 * Parses `projector=3,processor=2` into a scale by catalog name. Replicas: 0..12 (0
 * stops a service). `flag` names the option in error messages.
 */
export const parseScale = (text: string, flag = '--scale'): Scale => {
  const scale: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+)$/.exec(part);
    if (!match) throw new FleetPlanError(`${flag}: "${part}" is not NAME=COUNT (e.g. projector=3)`);
    const count = Number(match[2]);
    if (count > MAX_REPLICAS)
      throw new FleetPlanError(`${flag}: ${part}: at most ${MAX_REPLICAS} replicas per service`);
    scale[resolveServiceName(match[1] as string)] = count;
  }
  return scale;
};

/** One replica of every service of the architecture, overridden by `scale`. */
export const desiredScale = (arch: ArchChoice, scale: Scale = {}): Scale => {
  const services = servicesOf(arch);
  for (const name of Object.keys(scale)) {
    if (!services.some((spec) => spec.name === name)) {
      throw new FleetPlanError(`--scale: ${name} is not part of --arch ${arch}`);
    }
  }
  return Object.fromEntries(services.map((spec) => [spec.name, scale[spec.name] ?? 1]));
};

export const replicaName = (service: string, index: number) =>
  `${fleetIdentity().processPrefix}${service}-${index + 1}`;

/** The service of a replica name of this fleet (`qf-projector-2` → `projector`), else undefined. */
export const serviceOfReplica = (name: string): string | undefined => {
  const prefix = fleetIdentity().processPrefix;
  if (!name.startsWith(prefix)) return undefined;
  return /^(.+)-\d+$/.exec(name.slice(prefix.length))?.[1];
};

/** The processes that make up a scale, with their ports. */
export const planReplicas = (
  scale: Scale,
  portOffset = fleetIdentity().portOffset,
): ReplicaPlan[] =>
  fleetCatalog.flatMap((service) =>
    Array.from({ length: scale[service.name] ?? 0 }, (_, index) => ({
      name: replicaName(service.name, index),
      service,
      index,
      httpPort: service.httpPort + portOffset + index * REPLICA_PORT_STRIDE,
      ...(service.grpcPort !== undefined
        ? { grpcPort: service.grpcPort + portOffset + index * REPLICA_PORT_STRIDE }
        : {}),
    })),
  );

/** What to start and stop to go from the running replicas to the desired ones. */
export const diffReplicas = (running: readonly string[], desired: readonly ReplicaPlan[]) => ({
  start: desired.filter((plan) => !running.includes(plan.name)),
  stop: running.filter((name) => !desired.some((plan) => plan.name === name)),
});
