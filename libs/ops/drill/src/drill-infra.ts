import fs from 'node:fs';
import path from 'node:path';
import {
  createInfraContext,
  infraDown,
  infraUp,
  readInfraAddresses,
  type RecordedInfraAddresses,
  type InfraContext,
} from '@qf/local-infra';
import type { PrivateInfra } from './faults/fault-catalog';
import { keepFailedStartLogs } from './drill-failed-start';
import { claimDrillDir, cleanDrillLeftovers, releaseDrillDir } from './drill-leftovers';
import { findDrillPorts, type DrillPorts } from './drill-ports';

/** The environment variables the drill changes in its own process while it runs. */
const VARIABLES = [
  'KAFKA_BROKERS',
  'MONGO_URL',
  'REDIS_URL',
  'QF_KAFKA_PORT',
  'QF_MONGO_PORT',
  'QF_REDIS_PORT',
] as const;

/**
 * Where a drill keeps its own files (pm2 daemon, private servers' data, logs and pids):
 * `.local/drill/<fleet id>`, so drills of two fleets never stop each other's processes.
 */
export const drillContext = (
  shared: InfraContext = createInfraContext(),
  fleetId = process.env['QF_FLEET_ID'] || 'drill',
): InfraContext => {
  const localDir = path.join(shared.localDir, 'drill', fleetId);
  return {
    ...shared,
    localDir,
    // The downloaded jars and builds are shared: only data, logs and pids are the drill's.
    cacheDir: shared.cacheDir,
    dataDir: path.join(localDir, 'data'),
    logDir: path.join(localDir, 'logs'),
    runDir: path.join(localDir, 'run'),
  };
};

export interface DrillInfra {
  readonly ctx: InfraContext;
  readonly addresses: RecordedInfraAddresses;
  readonly privateInfra: PrivateInfra;
  /** The free ports the private servers were given (see findDrillPorts). */
  readonly ports: DrillPorts;
  /** Starts whatever of the private servers is not running (after a fault stopped it). */
  restart(): Promise<void>;
  /** Stops the private servers, removes their files (logs and pm2's too, unless kept), puts the environment back. */
  teardown(keepFiles: boolean): Promise<void>;
}

/**
 * Brings up the servers a drill needs: the shared ones (used as they are, by address) and
 * private ones for what the fault kills (Kafka, the Mongo-wire server or Redis on free
 * ports, under .local/drill). Points this process's environment at them, which the fleet's
 * services inherit. First stops what drills that died left running (their owner file names
 * a process that is gone), then claims the drill's directory.
 */
export const prepareDrillInfra = async (
  privateInfra: PrivateInfra,
  log: (line: string) => void,
  shared: InfraContext = createInfraContext(),
): Promise<DrillInfra> => {
  const saved = Object.fromEntries(VARIABLES.map((name) => [name, process.env[name]]));
  const sharedAddresses = readInfraAddresses(shared);
  const ctx = drillContext(shared);
  const brokers = privateInfra.kafkaBrokers ?? 1;
  for (const line of await cleanDrillLeftovers(path.join(shared.localDir, 'drill'), (id) =>
    drillContext(shared, id),
  ))
    log(`stopped what a dead drill left: ${line}`);
  claimDrillDir(ctx.localDir);
  const ports = await findDrillPorts(brokers);
  const setOrDelete = (name: string, value: string | undefined) => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  // A component given by address is only checked; one without is started on its drill port.
  setOrDelete(
    'KAFKA_BROKERS',
    privateInfra.kafkaBrokers ? undefined : sharedAddresses.kafkaBrokers,
  );
  setOrDelete('MONGO_URL', privateInfra.mongo ? undefined : sharedAddresses.mongoUrl);
  setOrDelete('REDIS_URL', privateInfra.redis ? undefined : sharedAddresses.redisUrl);
  process.env['QF_KAFKA_PORT'] = String(ports.kafka);
  process.env['QF_MONGO_PORT'] = String(ports.mongo);
  process.env['QF_REDIS_PORT'] = String(ports.redis);
  const external = {
    kafka: process.env['KAFKA_BROKERS'],
    mongo: process.env['MONGO_URL'],
    redis: process.env['REDIS_URL'],
  };
  const quietCtx: InfraContext = { ...ctx, log: (line) => log(`infra: ${line}`) };
  const up = async () => {
    setOrDelete('KAFKA_BROKERS', external.kafka);
    setOrDelete('MONGO_URL', external.mongo);
    setOrDelete('REDIS_URL', external.redis);
    const addresses = await infraUp(quietCtx, { brokers });
    // From here on every client of this process (and every service it starts) uses them.
    process.env['KAFKA_BROKERS'] = addresses.kafkaBrokers;
    process.env['MONGO_URL'] = addresses.mongoUrl;
    process.env['REDIS_URL'] = addresses.redisUrl;
    return addresses;
  };
  // A previous drill's logs (kept because it failed) would mix with this one's.
  fs.rmSync(ctx.logDir, { recursive: true, force: true });
  // The jars are in the shared cache, so nothing else creates the drill's own directories.
  for (const dir of [ctx.dataDir, ctx.logDir, ctx.runDir]) fs.mkdirSync(dir, { recursive: true });
  const addresses = await up().catch(async (error: unknown) => {
    // Whatever did start is stopped, and the directory given up, before the error goes on;
    // the logs are moved where later drills leave them, the error quoting and naming them.
    await infraDown(quietCtx).catch(() => undefined);
    releaseDrillDir(ctx.localDir);
    for (const name of VARIABLES) setOrDelete(name, saved[name]);
    throw keepFailedStartLogs(ctx, shared.localDir, error);
  });
  return {
    ctx,
    addresses,
    privateInfra,
    ports,
    restart: async () => void (await up()),
    teardown: async (keepFiles) => {
      setOrDelete('KAFKA_BROKERS', external.kafka);
      setOrDelete('MONGO_URL', external.mongo);
      setOrDelete('REDIS_URL', external.redis);
      await infraDown(quietCtx);
      releaseDrillDir(ctx.localDir);
      fs.rmSync(ctx.dataDir, { recursive: true, force: true });
      if (!keepFiles) fs.rmSync(ctx.localDir, { recursive: true, force: true });
      for (const name of VARIABLES) setOrDelete(name, saved[name]);
    },
  };
};
