import {
  measured,
  type StepProbe,
  type StepWindow,
  type TargetOptions,
  type WriteTarget,
} from '@qf/bench-write';
import { probeConsistency } from '@qf/experiment';
import { HttpTarget } from '@qf/loadgen';
import { readMongoCounts, type MongoCounts } from './cost';
import {
  auditCompleteness,
  auditLag,
  BacklogSampler,
  readCrudCounters,
  waitForAuditDrain,
  type CrudCounters,
} from './crud-extras';
import { startCrudFleet, type StartedCrudFleet } from './crud-fleet';

/** Time-to-consistency probes per step, spread over most of its measured phase. */
const TTC_PROBES = 50;
/** How long a step waits for the audit log to hold every event before it reports. */
const DRAIN_TIMEOUT_MS = 60_000;

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

const totals = (byCommand: MongoCounts) => {
  let requests = 0;
  let statements = 0;
  for (const count of Object.values(byCommand)) {
    requests += count.requests;
    statements += count.statements;
  }
  return { requests, statements };
};

/**
 * Database requests (round trips) and statements (documents written or asked for) per
 * command over a step, in all and statements by service (replicas added up), from what
 * each service's Mongo client had counted before and after it.
 */
export const databaseFigures = (
  before: ReadonlyMap<string, MongoCounts>,
  after: ReadonlyMap<string, MongoCounts>,
  commands: number,
): Record<string, number> => {
  if (commands <= 0) return {};
  const byService: Record<string, number> = {};
  let requests = 0;
  let statements = 0;
  for (const [name, counts] of after) {
    const start = totals(before.get(name) ?? {});
    const end = totals(counts);
    const service = name.replace(/-\d+$/, '');
    byService[service] = (byService[service] ?? 0) + end.statements - start.statements;
    requests += end.requests - start.requests;
    statements += end.statements - start.statements;
  }
  return {
    requestsPerCommand: round(requests / commands),
    statementsPerCommand: round(statements / commands),
    ...Object.fromEntries(
      Object.entries(byService).map(([service, count]) => [
        `${service} statements`,
        round(count / commands),
      ]),
    ),
  };
};

/** Database operations per command (databaseFigures), read from each service's /metrics. */
const databaseProbe = (services: ReadonlyMap<string, string>): StepProbe => {
  let before = new Map<string, MongoCounts>();
  const read = async () =>
    new Map(
      await Promise.all(
        [...services].map(
          async ([name, url]) =>
            [name, await readMongoCounts(url).catch(() => ({}) as MongoCounts)] as const,
        ),
      ),
    );
  return {
    name: 'database',
    start: async () => {
      before = await read();
    },
    finish: async (commands) => databaseFigures(before, await read(), commands),
  };
};

/**
 * The audit side of a step: time to consistency probed as the experiment does (a new
 * player registered under the load, its history read every 5 ms until the event shows,
 * timed from the command's answer), then, once the audit log holds every event, the audit
 * lag (occurredAt -> stored) of the step's events and how many are missing. settle()
 * waits for the audit log before the next step.
 */
const auditProbe = (fleet: StartedCrudFleet, sampler: BacklogSampler): StepProbe => {
  const target = new HttpTarget(fleet.crud.baseUrl, { connections: 8 });
  let running: ReturnType<typeof probeConsistency> | undefined;
  let from = new Date();
  return {
    name: 'audit',
    start: async (window?: StepWindow) => {
      from = new Date();
      const durationSec = window?.durationSec ?? 10;
      running = probeConsistency({
        arch: 'crud',
        commands: target,
        reads: target,
        probes: TTC_PROBES,
        spreadMs: durationSec * 1000 * 0.8,
      });
    },
    finish: async () => {
      const to = new Date();
      const ttc = await running;
      const drain = await waitForAuditDrain(fleet.db, sampler, DRAIN_TIMEOUT_MS);
      const lag = await auditLag(fleet.db, from, to);
      const { missing } = await auditCompleteness(fleet.db);
      return {
        ...(ttc
          ? {
              ttcProbes: ttc.summary.count,
              ttcTimeouts: ttc.summary.timeouts + ttc.errors,
              ttcP50Ms: ttc.summary.p50,
              ttcP95Ms: ttc.summary.p95,
              ttcP99Ms: ttc.summary.p99,
            }
          : {}),
        lagP50Ms: lag.p50,
        lagP95Ms: lag.p95,
        lagP99Ms: lag.p99,
        drainSeconds: round(drain.seconds, 1),
        missing,
      };
    },
    settle: async (deadline) => {
      await waitForAuditDrain(fleet.db, sampler, Math.max(0, deadline - Date.now()));
    },
  };
};

/** OCC conflicts and outcomes of the step (crud-service counters), and the outbox's largest backlog. */
const occProbe = (crudUrl: string, sampler: BacklogSampler): StepProbe => {
  let before: CrudCounters | undefined;
  let maxPending = 0;
  return {
    name: 'crud',
    start: async () => {
      before = await readCrudCounters(crudUrl);
      maxPending = 0;
    },
    sample: async () => {
      maxPending = Math.max(maxPending, (await sampler.sample()).entries);
    },
    finish: async () => {
      const after = await readCrudCounters(crudUrl);
      const diff = (key: keyof CrudCounters) => after[key] - (before?.[key] ?? 0);
      const accepted = diff('accepted');
      return {
        accepted,
        rejected: diff('rejected'),
        conflict409: diff('exhausted'),
        occConflictsPerAccepted: accepted > 0 ? round(diff('conflicts') / accepted) : 0,
        outboxMaxPending: maxPending,
      };
    },
  };
};

/**
 * `qf bench write --target crud`: the CRUD fleet (crud-service, an outbox relay and an
 * audit consumer on a database and topics of their own) as a write target, with the CPU of
 * every process (the services, the Mongo-wire server, Kafka, the load generator) and the
 * probes only the CRUD side has: database operations per command, audit time to
 * consistency and lag, OCC and outbox backlog.
 */
export const startCrudTarget = async (
  options: TargetOptions,
  log: (line: string) => void,
): Promise<WriteTarget> => {
  const fleet = await startCrudFleet({
    audit: 'outbox',
    relays: 1,
    consumers: 1,
    partitions: options.partitions,
    ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    ...(options.serviceEnv ? { serviceEnv: options.serviceEnv } : {}),
    log,
  });
  const sampler = new BacklogSampler(fleet.relays.map((relay) => relay.baseUrl));
  const services = new Map(
    [fleet.crud, ...fleet.relays, ...fleet.consumers].map((child) => [child.name, child.baseUrl]),
  );
  return {
    kind: 'crud',
    commandUrls: [fleet.crud.baseUrl],
    processes: [...fleet.pids].flatMap(([name, pid]) =>
      pid === undefined ? [] : [measured(name, pid)],
    ),
    probes: [
      databaseProbe(services),
      auditProbe(fleet, sampler),
      occProbe(fleet.crud.baseUrl, sampler),
    ],
    backend: { ...fleet.backend },
    settings: {
      relays: 1,
      consumers: 1,
      partitions: options.partitions,
      serviceEnv: options.serviceEnv ?? {},
      logs: fleet.logDir,
    },
    stop: () => fleet.close(),
  };
};
