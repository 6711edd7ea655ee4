import fs from 'node:fs';
import path from 'node:path';
import type { ComponentStatus, InfraComponent, UpOptions } from './component';
import { kafkaComponent } from './components/kafka.component';
import { mongoWireComponent } from './components/mongo-wire.component';
import { redisComponent } from './components/redis.component';
import type { InfraContext } from './infra-context';
import { INFRA_PREFIX } from './process/names';
import { isRecordedAlive, listRecorded, stopRecorded } from './process/pid-registry';

/** The addresses every service and test uses; written to `.local/run/infra.json` by `up`. */
export interface RecordedInfraAddresses {
  readonly kafkaBrokers: string;
  readonly mongoUrl: string;
  readonly redisUrl: string;
}

export const infraComponents: readonly InfraComponent[] = [
  kafkaComponent,
  mongoWireComponent,
  redisComponent,
];

const addressesFile = (ctx: InfraContext) => path.join(ctx.runDir, 'infra.json');

const addressOf = (component: InfraComponent, options: UpOptions) =>
  component.external() ?? component.localAddress(options);

/** Reads the addresses `up` recorded; env vars still win. */
export const readInfraAddresses = (ctx: InfraContext): RecordedInfraAddresses => {
  let recorded: Partial<RecordedInfraAddresses> = {};
  try {
    recorded = JSON.parse(fs.readFileSync(addressesFile(ctx), 'utf8')) as RecordedInfraAddresses;
  } catch {
    /* not up yet: defaults below */
  }
  const defaults: UpOptions = { brokers: 1 };
  return {
    kafkaBrokers:
      kafkaComponent.external() ?? recorded.kafkaBrokers ?? kafkaComponent.localAddress(defaults),
    mongoUrl:
      mongoWireComponent.external() ??
      recorded.mongoUrl ??
      mongoWireComponent.localAddress(defaults),
    redisUrl:
      redisComponent.external() ?? recorded.redisUrl ?? redisComponent.localAddress(defaults),
  };
};

/**
 * Brings every component up, in parallel: install what is missing, start what is not
 * running, wait for a real client request. Components given by env vars are only checked.
 * Throws one error naming every component that failed (each message names its log file).
 */
export const infraUp = async (
  ctx: InfraContext,
  options: UpOptions,
): Promise<RecordedInfraAddresses> => {
  const started = Date.now();
  const results = await Promise.allSettled(
    infraComponents.map(async (component) => {
      const external = component.external();
      if (external) {
        if (!(await component.isHealthy(external))) {
          throw new Error(`${component.name}: external address ${external} does not answer`);
        }
        ctx.log(`${component.name}: using external ${external}`);
        return;
      }
      const t0 = Date.now();
      await component.install(ctx, options);
      await component.start(ctx, options);
      ctx.log(
        `${component.name}: ready at ${component.localAddress(options)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }),
  );
  const failures = results.flatMap((result) =>
    result.status === 'rejected'
      ? [result.reason instanceof Error ? result.reason.message : String(result.reason)]
      : [],
  );
  if (failures.length > 0) throw new Error(`infra up failed:\n  ${failures.join('\n  ')}`);
  const addresses: RecordedInfraAddresses = {
    kafkaBrokers: addressOf(kafkaComponent, options),
    mongoUrl: addressOf(mongoWireComponent, options),
    redisUrl: addressOf(redisComponent, options),
  };
  fs.mkdirSync(ctx.runDir, { recursive: true });
  fs.writeFileSync(
    addressesFile(ctx),
    JSON.stringify({ ...addresses, brokers: options.brokers }, null, 2),
  );
  ctx.log(`infra up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return addresses;
};

/** Stops exactly the infrastructure processes `up` started (recorded pids), newest first. */
export const infraDown = async (ctx: InfraContext): Promise<string[]> => {
  const records = listRecorded(ctx, INFRA_PREFIX);
  await Promise.all(records.map((record) => stopRecorded(ctx, record)));
  fs.rmSync(addressesFile(ctx), { force: true });
  return records.map((record) => `${record.name} (pid ${record.pid})`);
};

/** Health, address and pids of every component. */
export const infraStatus = async (ctx: InfraContext): Promise<ComponentStatus[]> => {
  const addresses = readInfraAddresses(ctx);
  const byName: Record<string, string> = {
    kafka: addresses.kafkaBrokers,
    mongo: addresses.mongoUrl,
    redis: addresses.redisUrl,
  };
  const records = listRecorded(ctx, INFRA_PREFIX);
  return Promise.all(
    infraComponents.map(async (component) => {
      const address = byName[component.name] ?? component.localAddress({ brokers: 1 });
      const own = records.filter((record) =>
        record.name.startsWith(`${INFRA_PREFIX}${component.name}`),
      );
      const external = component.external() !== undefined;
      const detail = external ? undefined : await component.describe?.(ctx);
      return {
        name: component.name,
        mode: external ? 'external' : 'local',
        address,
        healthy: await component.isHealthy(address),
        pids: own.filter(isRecordedAlive).map((record) => record.pid),
        ...(detail ? { detail } : {}),
        ...(own[0] ? { logFile: own[0].logFile } : {}),
      } satisfies ComponentStatus;
    }),
  );
};
