import fs from 'node:fs';
import { createInfraContext, infraUp, type InfraContext } from '@qf/local-infra';
import {
  desiredScale,
  diffReplicas,
  planReplicas,
  serviceOfReplica,
  type ArchChoice,
  type ReplicaPlan,
  type Scale,
} from './fleet-plan';
import { Pm2Driver, type ManagedProcess } from './pm2-driver';
import { answeredByAnother } from './replica-health';

export interface FleetUpOptions {
  readonly arch: ArchChoice;
  readonly scale?: Scale;
  /** Restart a crashed service (pm2 autorestart); otherwise it is reported and left down. */
  readonly restart?: boolean;
  /** Extra environment for every service (QF_TOPIC_PREFIX, QF_AUDIT_MODE …). */
  readonly env?: Readonly<Record<string, string>>;
  readonly healthTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** A running replica with its addresses and last health answer. */
export interface ReplicaStatus {
  readonly name: string;
  readonly service: string;
  readonly pid: number;
  readonly status: string;
  readonly restarts: number;
  readonly httpUrl: string;
  readonly grpcAddress?: string;
  /** /health/ready's answer: ok, degraded (serving, with reasons), unhealthy (a dependency is down), or no answer. */
  readonly health: 'ok' | 'degraded' | 'unhealthy' | 'unreachable';
  readonly healthDetail?: unknown;
  readonly cpuPercent: number;
  readonly memoryBytes: number;
}

const httpUrl = (port: number) => `http://127.0.0.1:${port}`;

const fetchHealth = async (
  port: number,
): Promise<{ ok: boolean; degraded?: boolean; body?: unknown }> => {
  try {
    const response = await fetch(`${httpUrl(port)}/health/ready`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json().catch(() => undefined)) as { status?: unknown } | undefined;
    return { ok: response.status === 200, degraded: body?.status === 'degraded', body };
  } catch {
    return { ok: false };
  }
};

const tail = (file: string | undefined, lines = 15): string => {
  if (!file || !fs.existsSync(file)) return '';
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
};

const replicaEnv = (
  plan: ReplicaPlan,
  infra: Awaited<ReturnType<typeof infraUp>>,
  extra: Readonly<Record<string, string>>,
) => ({
  // QF_* settings, and OTEL_* so that `OTEL_EXPORTER_OTLP_ENDPOINT=… qf fleet up` traces the fleet.
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key.startsWith('QF_') || key.startsWith('OTEL_'),
    ) as Array<[string, string]>,
  ),
  ...extra,
  QF_SERVICE: plan.service.name,
  QF_INSTANCE: String(plan.index),
  QF_GATEWAY_INSTANCE: String(plan.index),
  QF_HTTP_PORT: String(plan.httpPort),
  ...(plan.grpcPort !== undefined ? { QF_GRPC_PORT: String(plan.grpcPort) } : {}),
  KAFKA_BROKERS: infra.kafkaBrokers,
  MONGO_URL: infra.mongoUrl,
  REDIS_URL: infra.redisUrl,
  NODE_ENV: process.env['NODE_ENV'] ?? 'production',
});

/** Waits until each replica answers /health/ready with 200 (ok or degraded); fails fast, naming the log, when one dies. */
const waitHealthy = async (driver: Pm2Driver, plans: readonly ReplicaPlan[], timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(plans.map((plan) => plan.name));
  const foreign = new Map<string, number>();
  while (pending.size > 0) {
    const processes = await driver.list();
    for (const plan of plans.filter((p) => pending.has(p.name))) {
      const proc = processes.find((p) => p.name === plan.name);
      if (!proc || ['errored', 'stopped'].includes(proc.status)) {
        throw new Error(
          `${plan.name} exited during start (status ${proc?.status ?? 'gone'}); log ${proc?.logFile ?? '?'}:\n${tail(proc?.logFile)}`,
        );
      }
      const health = await fetchHealth(plan.httpPort);
      const other = answeredByAnother(health.body, proc.pid);
      if (other !== undefined) foreign.set(plan.name, other);
      else if (health.ok) pending.delete(plan.name);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) {
      const names = [...pending];
      const logs = processes
        .filter((p) => names.includes(p.name))
        .map((p) => `${p.name}: ${p.logFile}`);
      const held = names.flatMap((name) =>
        foreign.has(name)
          ? [`${name}'s port is answered by another process (pid ${foreign.get(name)})`]
          : [],
      );
      throw new Error(
        `not healthy within ${timeoutMs / 1000} s: ${names.join(', ')}${held.length > 0 ? `; ${held.join('; ')}` : ''} (logs: ${logs.join('; ')})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
};

const scaleOf = (processes: readonly ManagedProcess[]): Record<string, number> => {
  const scale: Record<string, number> = {};
  for (const proc of processes) {
    const service = serviceOfReplica(proc.name);
    if (service) scale[service] = (scale[service] ?? 0) + 1;
  }
  return scale;
};

/** Starts the services needed for `desired` that are not running, stops the ones beyond it. */
const converge = async (
  ctx: InfraContext,
  driver: Pm2Driver,
  desired: Scale,
  options: FleetUpOptions,
) => {
  const log = options.log ?? (() => undefined);
  const infra = await infraUp(ctx, { brokers: 1 });
  const running = (await driver.list()).map((proc) => proc.name);
  const plans = planReplicas(desired);
  const { start, stop } = diffReplicas(running, plans);
  for (const name of stop) {
    log(`stopping ${name}`);
    await driver.remove(name);
  }
  for (const plan of start) {
    log(
      `starting ${plan.name} (http :${plan.httpPort}${plan.grpcPort ? `, grpc :${plan.grpcPort}` : ''})`,
    );
    await driver.start({
      name: plan.name,
      entry: plan.service.entry,
      env: replicaEnv(plan, infra, options.env ?? {}),
      restart: options.restart ?? false,
    });
  }
  await waitHealthy(driver, start, options.healthTimeoutMs ?? 90_000);
  return { started: start.map((plan) => plan.name), stopped: stop };
};

/** `qf fleet up`: infra first, then every service of the architecture(s), healthy. */
export const fleetUp = async (options: FleetUpOptions, ctx = createInfraContext()) => {
  const driver = new Pm2Driver(ctx);
  try {
    const running = scaleOf(await driver.list());
    return await converge(
      ctx,
      driver,
      { ...running, ...desiredScale(options.arch, options.scale) },
      options,
    );
  } finally {
    driver.disconnect();
  }
};

/** `qf fleet scale projector=4`: changes replica counts while the fleet serves. */
export const fleetScale = async (
  scale: Scale,
  options: Omit<FleetUpOptions, 'arch' | 'scale'> = {},
  ctx = createInfraContext(),
) => {
  const driver = new Pm2Driver(ctx);
  try {
    const current = scaleOf(await driver.list());
    return await converge(ctx, driver, { ...current, ...scale }, { ...options, arch: 'both' });
  } finally {
    driver.disconnect();
  }
};

/** `qf fleet status`: every fleet process with pm2's view and its /health/ready answer. */
export const fleetStatus = async (ctx = createInfraContext()): Promise<ReplicaStatus[]> => {
  const driver = new Pm2Driver(ctx);
  try {
    const processes = await driver.list();
    const plans = planReplicas(scaleOf(processes));
    return Promise.all(
      processes.map(async (proc) => {
        const plan = plans.find((p) => p.name === proc.name);
        const port = Number(proc.env['QF_HTTP_PORT'] ?? plan?.httpPort ?? 0);
        const answer = await fetchHealth(port);
        const other = answeredByAnother(answer.body, proc.pid);
        // A port answered by another process says nothing about this replica.
        const health =
          other === undefined
            ? answer
            : { ok: false, body: { reasons: [`port ${port} is answered by pid ${other}`] } };
        return {
          name: proc.name,
          service: plan?.service.name ?? proc.name,
          pid: proc.pid,
          status: proc.status,
          restarts: proc.restarts,
          httpUrl: httpUrl(port),
          ...(proc.env['QF_GRPC_PORT']
            ? { grpcAddress: `127.0.0.1:${proc.env['QF_GRPC_PORT']}` }
            : {}),
          health: health.ok
            ? health.degraded
              ? 'degraded'
              : 'ok'
            : health.body
              ? 'unhealthy'
              : 'unreachable',
          ...(health.body ? { healthDetail: health.body } : {}),
          cpuPercent: proc.cpuPercent,
          memoryBytes: proc.memoryBytes,
        } satisfies ReplicaStatus;
      }),
    );
  } finally {
    driver.disconnect();
  }
};

/** `qf fleet down`: stops exactly the fleet's processes (infra stays up). */
export const fleetDown = async (ctx = createInfraContext()): Promise<string[]> => {
  const driver = new Pm2Driver(ctx);
  try {
    const processes = await driver.list();
    await Promise.all(processes.map((proc) => driver.remove(proc.name)));
    await driver.shutdownIfIdle();
    return processes.map((proc) => proc.name);
  } finally {
    driver.disconnect();
  }
};
