/** What the run knows about the time it has spent and what is left, for the progress line's ETA. */
export interface EtaInput {
  /** Cells not started yet (after the current one). */
  readonly cellsAfterCurrent: number;
  /** Steps the current cell may still take (0 when its search is over). */
  readonly stepsLeftInCell: number;
  /** Whether the current cell still has its probe phase (time to consistency) ahead. */
  readonly probePhaseLeft: boolean;
  /** End-state measurements (storage, history, replay) still ahead, in architectures. */
  readonly endStatesLeft: number;
  /** Most steps one cell may take. */
  readonly maxStepsPerCell: number;
  /** Steps completed cells took (empty at the start: maxStepsPerCell is assumed). */
  readonly stepsOfDoneCells: readonly number[];
  /** Seconds one step takes, warm-up, drain and cool-down included (measured mean, else the planned length). */
  readonly stepSeconds: number;
  /** Seconds a cell spends outside its steps: fleet up and down, seeding, probes (measured mean, else a default). */
  readonly cellOverheadSeconds: number;
  /** Seconds of one architecture's end-state measurements. */
  readonly endStateSeconds: number;
  /** Seconds of the probe phase. */
  readonly probeSeconds: number;
  /** The current cell has not started its first step: its start-up overhead is still partly ahead. */
  readonly cellStarting?: boolean;
  /** Seconds the current cell has been running. */
  readonly cellElapsedSeconds?: number;
}

/**
 * Seconds left in the run. A rate search stops early when it brackets the capacity, so
 * cells still ahead are expected to take as many steps as finished ones did on average
 * (the maximum before any finished); the current cell's remaining steps are bounded the
 * same way.
 */
export const estimateRemainingSeconds = (input: EtaInput): number => {
  const mean =
    input.stepsOfDoneCells.length > 0
      ? input.stepsOfDoneCells.reduce((sum, steps) => sum + steps, 0) /
        input.stepsOfDoneCells.length
      : input.maxStepsPerCell;
  const expectedSteps = Math.min(input.maxStepsPerCell, Math.max(1, mean));
  const startUpLeft = input.cellStarting
    ? Math.max(0, input.cellOverheadSeconds - (input.cellElapsedSeconds ?? 0))
    : 0;
  const current =
    startUpLeft +
    Math.min(input.stepsLeftInCell, expectedSteps) * input.stepSeconds +
    (input.probePhaseLeft ? input.probeSeconds : 0);
  const later =
    input.cellsAfterCurrent *
    (input.cellOverheadSeconds + expectedSteps * input.stepSeconds + input.probeSeconds);
  return Math.max(0, current + later + input.endStatesLeft * input.endStateSeconds);
};

/** `1h02m`, `4m05s`, `37s`. */
export const formatCompactDuration = (seconds: number): string => {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
};

/** A running mean, for step and cell durations measured so far. */
export class RunningMean {
  private sum = 0;
  private count = 0;

  constructor(private readonly fallback: number) {}

  add(value: number): void {
    if (!Number.isFinite(value)) return;
    this.sum += value;
    this.count += 1;
  }

  get value(): number {
    return this.count > 0 ? this.sum / this.count : this.fallback;
  }
}
