import { performance } from 'node:perf_hooks';
import type { Admin, Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { TopicNames } from '@qf/contracts';
import { planReplicas, type Pm2Driver } from '@qf/fleet';
import type { DrillInfra } from './drill-infra';
import { injectFault, type FaultContext, type FaultEvent } from './faults/inject-fault';
import type { DrillRecord } from './ledger/command-record';
import { DrillClient } from './load/drill-client';
import { runDrillLoad } from './load/drill-load';
import { runReadChecks, type ReadFindings } from './load/read-checks';
import type { DrillOptions } from './run-drill';

/** What a drill has running while it drives the load. */
export interface DrillRun {
  readonly options: DrillOptions;
  readonly infra: DrillInfra;
  readonly driver: Pm2Driver;
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly db: Db;
  readonly topics: TopicNames;
}

/** The load's outcome, on the drill clock (ms). */
export interface LoadOutcome {
  readonly records: readonly DrillRecord[];
  readonly loadStartMs: number;
  readonly fault: FaultEvent;
  readonly reads?: ReadFindings;
}

const url = (service: string) => `http://127.0.0.1:${planReplicas({ [service]: 1 })[0]?.httpPort}`;

/**
 * Drives the open-loop load of keyed commands against the fleet's front, injects the fault
 * `faultAtSeconds` into it, and (ES) reads players through the query service meanwhile,
 * comparing each answer with what Mongo held just before. Resolves when every command is
 * decided or the settle time ran out, and the fault is over.
 */
export const loadWithFault = async (run: DrillRun): Promise<LoadOutcome> => {
  const { options } = run;
  const { log } = options;
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const client = new DrillClient(
    url(options.arch === 'es' ? 'command-gateway' : 'crud-service'),
    clock,
  );
  const reader = options.arch === 'es' ? new DrillClient(url('query-service'), clock) : undefined;
  const fault: FaultContext = {
    arch: options.arch,
    driver: run.driver,
    infra: run.infra.ctx,
    restartInfra: run.infra.restart,
    admin: run.admin,
    topics: run.topics,
    signal: options.signal,
    pauseMs: options.pauseSeconds * 1000,
    outageMs: options.outageSeconds * 1000,
    clock,
    log,
  };
  let loadStartMs = 0;
  let loadDone = false;
  let players: readonly string[] = [];
  let faultRun: Promise<FaultEvent> | undefined;
  const reads = reader
    ? runReadChecks({
        client: reader,
        db: run.db,
        playerIds: () => players,
        rate: Math.max(1, options.rate / 4),
        until: () => loadDone,
      })
    : undefined;
  try {
    const load = await runDrillLoad({
      client,
      clock,
      players: options.players,
      rate: options.rate,
      durationMs: options.seconds * 1000,
      settleMs: options.settleSeconds * 1000,
      onLoadStart: (start, registered) => {
        loadStartMs = start;
        players = registered;
        log(
          `load: ${options.rate} commands/s for ${options.seconds} s; the fault comes at ${options.faultAtSeconds} s`,
        );
        faultRun = new Promise<FaultEvent>((resolve, reject) =>
          setTimeout(
            () => injectFault(options.fault, fault).then(resolve, reject),
            options.faultAtSeconds * 1000,
          ),
        );
        faultRun
          .then((event) =>
            log(
              `fault: ${event.description} at ${((event.injectedAtMs - start) / 1000).toFixed(1)} s`,
            ),
          )
          .catch(() => undefined);
      },
      onProgress: (progress) =>
        log(
          `t=${(progress.elapsedMs / 1000).toFixed(0)} s: sent ${progress.sent}, decided ${progress.decided}, in flight ${progress.inFlight}` +
            (progress.elapsedMs < options.seconds * 1000
              ? `, ~${Math.round(options.seconds - progress.elapsedMs / 1000)} s of load left`
              : ', settling'),
        ),
    });
    loadDone = true;
    if (!faultRun) throw new Error('the load ended before the fault was scheduled');
    const event = await faultRun;
    const readFindings = await reads;
    return {
      records: load.records,
      loadStartMs,
      fault: event,
      ...(readFindings ? { reads: readFindings } : {}),
    };
  } finally {
    loadDone = true;
    await Promise.all([client.close(), reader?.close()]);
  }
};
