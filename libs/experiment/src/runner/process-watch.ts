import fs from 'node:fs';
import { parseProcStat } from '../sampler/proc-parse';

/** A process the run depends on: a service replica or an infrastructure server. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
}

/** Start time (clock ticks after boot) of a live process; undefined when it is gone or a zombie. */
export type StartTimeReader = (pid: number) => number | undefined;

export const procStartTime: StartTimeReader = (pid) => {
  try {
    const stat = parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return stat.state === 'Z' || stat.state === 'X' ? undefined : stat.starttime;
  } catch {
    return undefined;
  }
};

/**
 * Remembers which processes ran when it was made (pid and start time, so a reused pid is
 * not mistaken for the old process) and tells which of them are gone since.
 */
export class ProcessWatch {
  private readonly startTimes = new Map<string, { pid: number; start: number | undefined }>();

  constructor(
    processes: readonly WatchedProcess[],
    private readonly read: StartTimeReader = procStartTime,
  ) {
    for (const process of processes)
      this.startTimes.set(process.name, { pid: process.pid, start: read(process.pid) });
  }

  /** Processes that ran at the start and do not now (exited, crashed, killed, or pid reused). */
  lost(): WatchedProcess[] {
    const gone: WatchedProcess[] = [];
    for (const [name, { pid, start }] of this.startTimes) {
      if (start === undefined) continue; // was not running to begin with: reported when watched
      if (this.read(pid) !== start) gone.push({ name, pid });
    }
    return gone;
  }

  /** Processes that were not running when the watch began. */
  missingAtStart(): WatchedProcess[] {
    return [...this.startTimes]
      .filter(([, entry]) => entry.start === undefined)
      .map(([name, { pid }]) => ({ name, pid }));
  }
}

/** `lost qf-projector-1 (pid 4711), kafka-1 (pid 2851) during the step`. */
export const describeLoss = (lost: readonly WatchedProcess[], when: string): string =>
  `lost ${lost.map((process) => `${process.name} (pid ${process.pid})`).join(', ')} ${when}`;
