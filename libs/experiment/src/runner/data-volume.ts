import { runReplayBench } from '@qf/bench-replay';
import type { ExperimentConfig } from '../config/experiment-config.schema';
import type { DataVolumePoint } from '../results/experiment-results';
import type { CellSystem } from './cell-system';
import type { ProgressReporter } from './progress';
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
  progress: ProgressReporter,
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
      try {
        const report = await runReplayBench({
          events,
          players: spec.players,
          partitions: spec.partitions,
          projectors: spec.projectors,
          view: 'all',
          reuse: false,
          keep: false,
          settings: {},
          seed: 7,
          verify: false,
          log: (line) => progress.line(`  ${line}`),
        });
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
