import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import {
  parseReplayTarget,
  type ProgressReporter,
  runReplay,
  type RebuildSettings,
} from '@qf/replay';
import type { ReplayBenchOptions, ReplayRow } from './replay-bench.types';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** What every rebuild of a bench run shares: the clients, the log and the ceiling to compare with. */
export interface RebuildContext {
  readonly kafka: Kafka;
  readonly db: Db;
  readonly prefix: string;
  readonly settings: RebuildSettings;
  readonly ceilingEventsPerSecond: number;
  readonly options: ReplayBenchOptions;
  readonly reporter: ProgressReporter | undefined;
  readonly say: (line: string) => void;
}

/** Samples this process's resident memory until stopped; returns the peak. */
const watchPeakRss = (): (() => number) => {
  let peakRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 500);
  return () => {
    clearInterval(rssTimer);
    return peakRss;
  };
};

const rowLine = (row: ReplayRow, consumers: ReplayRow['outcome']['consumers']): string =>
  `  ${row.projectors} projector(s): ${row.eventsPerSecond.toLocaleString('en-US')} events/s (${(row.ofCeiling * 100).toFixed(1)} % of the ceiling), build ${row.buildSeconds} s, wall ${row.wallSeconds} s, peak RSS ${row.peakRssMiB} MiB` +
  (consumers
    ? `; ${consumers.rounds} write rounds, ${consumers.playerWrites} player_details writes, ${consumers.writeSeconds.toFixed(1)} s writing (summed), ${consumers.backpressureSeconds.toFixed(1)} s of fetching held back by the writes`
    : '');

/**
 * One rebuild of the view from offset 0 into fresh collections with `qf replay`'s own code
 * (grace 0, the previous generation dropped), with `projectors` replicas in this process.
 */
export const rebuildWith = async (
  context: RebuildContext,
  projectors: number,
): Promise<ReplayRow> => {
  const { kafka, db, prefix, settings, options, reporter, say } = context;
  say(
    `rebuilding ${options.view} with ${projectors} projector(s), from offset 0 into fresh collections`,
  );
  const start = performance.now();
  const cpu = process.cpuUsage();
  const stopRssWatch = watchPeakRss();
  const outcome = await runReplay(
    { kafka, db },
    {
      target: parseReplayTarget(options.view),
      prefix,
      replicas: projectors,
      graceSeconds: 0,
      keepOld: false,
      maxLag: 0,
      pollMs: 250,
      settings,
      ...(reporter
        ? {
            onProgress: (snapshot) => reporter.progress(snapshot),
            onPhase: (message) => reporter.message(`  ${message}`),
          }
        : {}),
    },
  );
  reporter?.end();
  const peakRss = stopRssWatch();
  const wallSeconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const row: ReplayRow = {
    projectors,
    buildSeconds: outcome.buildSeconds,
    eventsPerSecond: outcome.eventsPerSecond,
    ofCeiling: round(outcome.eventsPerSecond / context.ceilingEventsPerSecond, 3),
    cpuSeconds: round((used.user + used.system) / 1e6),
    wallSeconds: round(wallSeconds),
    outcome: {
      id: outcome.id,
      groupId: outcome.groupId,
      events: outcome.events,
      status: outcome.status,
      ...(outcome.consumers ? { consumers: outcome.consumers } : {}),
    },
    peakRssMiB: Math.round(peakRss / 1024 ** 2),
  };
  say(rowLine(row, outcome.consumers));
  return row;
};
