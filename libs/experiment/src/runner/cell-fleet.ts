import { fleetDown, fleetScale, fleetStatus, fleetUp } from '@qf/fleet';
import { fleetCatalog, type InfraContext } from '@qf/local-infra';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import { frontUrls } from './load-spread';
import type { CellPlan } from './run-plan';

/** One running replica of the cell's fleet. */
export interface CellReplica {
  /** pm2 process name, e.g. `qf-projector-2`. */
  readonly process: string;
  readonly service: string;
  /** How results name it: `projector#2`. */
  readonly label: string;
  readonly pid: number;
  readonly httpPort: number;
}

export interface CellFleet {
  readonly replicas: readonly CellReplica[];
  readonly urls: { readonly commands: readonly string[]; readonly reads: readonly string[] };
}

/** The environment that gives a cell's fleet its own topics, database and partition count. */
export const cellEnvironment = (
  cell: Pick<CellPlan, 'topicPrefix' | 'database'>,
  config: Pick<ExperimentConfig, 'partitions' | 'crudAudit'>,
): Record<string, string> => ({
  QF_TOPIC_PREFIX: cell.topicPrefix,
  QF_MONGO_DB: cell.database,
  QF_PARTITIONS: String(config.partitions),
  QF_AUDIT_MODE: config.crudAudit,
  QF_LOG_LEVEL: 'warn',
  QF_KAFKA_LOG_LEVEL: 'error',
});

const replicaNumber = (process: string): number => Number(/-(\d+)$/.exec(process)?.[1] ?? 1);

/** The fleet calls bring the infrastructure up on the way; their "ready" lines stay out of the progress output. */
const quiet = (ctx: InfraContext): InfraContext => ({ ...ctx, log: () => undefined });

/**
 * Stops every replica of every service but leaves pm2's daemon up: in one process, pm2
 * cannot connect again after `fleetDown` ended its daemon (the next `fleetUp` would hang),
 * so between cells the fleet is scaled to zero and `fleetDown` runs once, at the end.
 */
export const stopCellFleet = async (ctx: InfraContext): Promise<string[]> => {
  // pm2 stops replicas one after the other (each SIGTERM, then up to its kill timeout): ask
  // them all at once first, so a cell with many replicas does not wait for each in turn.
  const running = await fleetStatus(quiet(ctx)).catch(() => []);
  for (const replica of running) {
    try {
      process.kill(replica.pid, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
  const deadline = Date.now() + 15_000;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (running.some((replica) => alive(replica.pid)) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  return (
    await fleetScale(
      Object.fromEntries(fleetCatalog.map((service) => [service.name, 0])),
      {},
      quiet(ctx),
    )
  ).stopped;
};

/** After the last cell: stops whatever still runs and ends pm2's daemon when it is idle. */
export const endFleet = async (ctx: InfraContext): Promise<string[]> => fleetDown(quiet(ctx));

/**
 * Starts the cell's fleet from nothing: whatever fleet runs is stopped first (the experiment
 * owns the fleet's ports), then every service of the architecture with the cell's replicas,
 * on the cell's topics and database; resolves once every replica answers /health.
 */
export const startCellFleet = async (
  cell: CellPlan,
  config: ExperimentConfig,
  ctx: InfraContext,
  log: (line: string) => void,
): Promise<CellFleet> => {
  const leftover = await stopCellFleet(ctx);
  if (leftover.length > 0) log(`stopped a fleet that was still running: ${leftover.join(', ')}`);
  await fleetUp(
    {
      arch: cell.arch,
      scale: cell.replicas,
      restart: false,
      env: cellEnvironment(cell, config),
      healthTimeoutMs: 120_000,
      log,
    },
    quiet(ctx),
  );
  const status = await fleetStatus(quiet(ctx));
  const unhealthy = status.filter((row) => row.health !== 'ok');
  if (unhealthy.length > 0)
    throw new Error(
      `not healthy after start: ${unhealthy.map((row) => `${row.name} (${row.status}, ${row.health})`).join(', ')}`,
    );
  const replicas = status
    .map((row) => ({
      process: row.name,
      service: row.service,
      label: `${row.service}#${replicaNumber(row.name)}`,
      pid: row.pid,
      httpPort: Number(new URL(row.httpUrl).port),
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return { replicas, urls: frontUrls(cell.arch, replicas) };
};
