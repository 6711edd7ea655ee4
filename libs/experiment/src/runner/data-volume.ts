import { runReplayBench } from '@qf/bench-replay';
import { topicNames } from '@qf/contracts';
import { createKafka } from '@qf/shared-kafka';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { DataVolumePoint } from '../results/experiment-results';
import type { CellSystem } from './cell-system';
import type { RunProgressReporter } from './progress';
import { measureRestore, type RestoreFigures } from './restore.probe';
import { shortReason } from './short-reason';

/**
 * The data-volume curves: for each history size, a fresh ES event log of that many events is
 * filled, one bare consumer reads it (the ceiling), and every view is rebuilt from offset 0
 * with each projector count. The projectors run in this process; Kafka and the database run
 * in the system's budget, set to the config's largest budget while this lasts.
 */
export const measureDataVolume = async (
  config: ExperimentConfig,
  system: CellSystem,
  progress: RunProgressReporter,
  signal: AbortSignal,
  notes: string[],
): Promise<DataVolumePoint[]> => {
  const spec = config.dataVolume;
  if (!spec || system.kind !== 'local' || signal.aborted) return [];
  const cores = Math.max(...config.scale.map((point) => point.budgetCores));
  system.budget?.setCores(cores);
  const points: DataVolumePoint[] = [];
  try {
    for (const events of spec.sizes) {
      if (signal.aborted) break;
      progress.phase(
        `data volume: ${events.toLocaleString('en-US')} events, rebuilt with ${spec.projectors.join(', ')} projector(s) (Kafka and the database in ${cores} cores)`,
      );
      const prefix = `qf-volume-${Date.now().toString(36)}-${events}.`;
      try {
        const report = await runReplayBench({
          events,
          players: spec.players,
          partitions: spec.partitions,
          projectors: spec.projectors,
          view: 'all',
          topicPrefix: prefix,
          reuse: false,
          // Kept for the restore measurement below, which deletes it.
          keep: true,
          settings: {},
          seed: 7,
          verify: false,
          log: (line) => progress.line(`  ${line}`),
        });
        const restore = await restoreOf(prefix, progress, notes);
        points.push({
          events: report.log.events,
          bytesPerEvent:
            report.log.bytes !== null && report.log.events > 0
              ? Math.round(report.log.bytes / report.log.events)
              : 0,
          fillSeconds: report.log.fillSeconds ?? 0,
          ceilingEventsPerSecond: report.ceiling.eventsPerSecond,
          rebuilds: report.rebuilds.map((row) => ({
            projectors: row.projectors,
            seconds: row.buildSeconds,
            eventsPerSecond: row.eventsPerSecond,
            status: row.outcome.status,
          })),
          ...(restore ? { restore } : {}),
        });
      } catch (error) {
        notes.push(`data volume at ${events} events failed: ${shortReason(error)}`);
      }
    }
  } finally {
    system.budget?.setCores(undefined);
  }
  return points;
};

/**
 * Snapshot restore on vs off on the log just rebuilt from (measureRestore), then the log and
 * the snapshot topic are deleted. A failed restore is a note, not a lost data-volume point.
 */
const restoreOf = async (
  prefix: string,
  progress: RunProgressReporter,
  notes: string[],
): Promise<RestoreFigures | undefined> => {
  const topics = topicNames(prefix);
  const kafka = createKafka(`${prefix}restore`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    progress.line(
      '  restore: every player from the event log (snapshots off), then from snapshots',
    );
    const figures = await measureRestore({
      kafka,
      admin,
      eventsTopic: topics.events,
      snapshotsTopic: topics.snapshots,
      groupPrefix: `${prefix}restore`,
    });
    progress.line(
      `  restore of ${figures.players.toLocaleString('en-US')} players: ${figures.fromEvents.seconds.toFixed(2)} s from ${figures.fromEvents.records.toLocaleString('en-US')} events, ${figures.fromSnapshots.seconds.toFixed(2)} s from ${figures.fromSnapshots.records.toLocaleString('en-US')} snapshots`,
    );
    return figures;
  } catch (error) {
    notes.push(`snapshot restore at ${prefix}: ${shortReason(error)}`);
    return undefined;
  } finally {
    await admin
      .deleteTopics({ topics: [topics.events, topics.eventsDeadLetter, topics.snapshots] })
      .catch(() => undefined);
    await admin.disconnect();
  }
};
