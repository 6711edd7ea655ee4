import { formatTable } from '@qf/loadgen';
import type { ReplayBenchReport } from './replay-bench.types';

const perEvent = (cpuSeconds: number, events: number) =>
  events > 0 ? ((cpuSeconds * 1e6) / events).toFixed(1) : '-';

/** The report as text: one row per replica count next to the ceiling, then the settings and the machine. */
export const formatReplayBench = (report: ReplayBenchReport): string => {
  const { ceiling, log, machine, settings } = report;
  const p = settings.projector;
  const rows = [
    [
      'ceiling (1 kafkajs consumer, no work)',
      String(log.events),
      ceiling.seconds.toFixed(2),
      '',
      ceiling.eventsPerSecond.toLocaleString('en-US'),
      '100.0 %',
      perEvent(ceiling.cpuSeconds, log.events),
    ],
    ...report.rebuilds.map((row) => [
      `replay ${settings.view}, ${row.projectors} projector(s)`,
      String(row.outcome.events),
      row.buildSeconds.toFixed(2),
      row.wallSeconds.toFixed(2),
      row.eventsPerSecond.toLocaleString('en-US'),
      `${(row.ofCeiling * 100).toFixed(1)} %`,
      perEvent(row.cpuSeconds, row.outcome.events),
    ]),
  ];
  return [
    formatTable(
      ['run', 'events', 'seconds', 'wall s', 'events/s', 'of ceiling', 'node CPU µs/event'],
      rows,
    ),
    '',
    `seconds: from the consumers' start (group join included) until caught up with the head; wall: the whole replay (plan, rebuild, indexes, switch, drop of the previous generation); node CPU: this process (ceiling: the read alone; replay: the whole wall time)`,
    `log: ${log.events} events${log.players ? ` of ${log.players} players` : ''} on ${settings.topic}${log.bytes ? `, ${Math.round(log.bytes / log.events)} bytes/event` : ''}${log.fillSeconds ? `, filled in ${log.fillSeconds} s (not counted)` : ' (reused)'}; verified: ${String(report.verified)}`,
    `projector: folds in memory, writes each partition's changed players every ${p.flushEvents} events or ${p.flushMs / 1000} s (${p.concurrentWrites} writes at a time, player_events in inserts of ${p.eventDocsChunk}, at most ${p.maxPendingDocs} held); kafkajs concurrency ${p.partitionsConsumedConcurrently}, maxBytesPerPartition ${p.maxBytesPerPartition}, maxBytes ${p.maxBytes} (the ceiling consumer uses the same fetch settings)`,
    `machine: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
    `backends: Kafka and the Mongo-wire server on this machine (the database is ${settings.database}, dropped at the end)`,
  ].join('\n');
};
