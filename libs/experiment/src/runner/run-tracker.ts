import type { ExperimentConfig } from '../config/experiment-config.schema';
import { estimateRemainingSeconds, RunningMean } from './eta';
import { maxStepsPerCell, type CellPlan } from './run-plan';

/** Planned seconds outside the steps of one cell (fleet up + down, seeding): corrected by what is measured. */
const DEFAULT_CELL_OVERHEAD_SECONDS = 25;
const DEFAULT_END_STATE_SECONDS = 40;

/** Where the run is, for the ETA of the progress lines. */
export class RunTracker {
  private cellIndex = -1;
  private cellStartedAt = 0;
  private stepsInCell = 0;
  private probeLeft = false;
  private endStatesLeft: number;
  private readonly stepsOfDoneCells: number[] = [];
  private readonly stepSeconds: RunningMean;
  private readonly cellOverhead = new RunningMean(DEFAULT_CELL_OVERHEAD_SECONDS);
  private readonly endState = new RunningMean(DEFAULT_END_STATE_SECONDS);
  private readonly maxSteps: number;
  private readonly probeSeconds: number;

  constructor(
    private readonly config: ExperimentConfig,
    private readonly cells: readonly CellPlan[],
  ) {
    const { warmupSeconds, stepSeconds, cooldownSeconds } = config.durations;
    this.stepSeconds = new RunningMean(warmupSeconds + stepSeconds + cooldownSeconds + 2);
    this.maxSteps = maxStepsPerCell(config);
    this.probeSeconds = config.measure.consistencyProbes > 0 ? stepSeconds + 3 : 0;
    this.endStatesLeft = cells.filter((cell) => cell.endStateOfArch).length;
  }

  beginCell(index: number): void {
    this.cellIndex = index;
    this.cellStartedAt = Date.now();
    this.stepsInCell = 0;
    this.probeLeft = this.probeSeconds > 0;
  }

  stepDone(seconds: number): void {
    this.stepsInCell += 1;
    this.stepSeconds.add(seconds);
  }

  /** The search ended: no more steps in this cell. */
  searchDone(): void {
    this.stepsOfDoneCells.push(this.stepsInCell);
    this.stepsInCell = this.maxSteps;
  }

  probeDone(): void {
    this.probeLeft = false;
  }

  endStateDone(seconds: number): void {
    this.endStatesLeft = Math.max(0, this.endStatesLeft - 1);
    this.endState.add(seconds);
  }

  /** The cell is over; `overheadSeconds` is its time outside steps, probes and end state. */
  cellDone(overheadSeconds: number): void {
    this.cellOverhead.add(overheadSeconds);
    this.probeLeft = false;
    this.stepsInCell = this.maxSteps;
  }

  remainingSeconds(): number {
    const started = this.cellIndex >= 0;
    return estimateRemainingSeconds({
      cellsAfterCurrent: this.cells.length - (started ? this.cellIndex + 1 : 0),
      stepsLeftInCell: started ? Math.max(0, this.maxSteps - this.stepsInCell) : 0,
      probePhaseLeft: started && this.probeLeft,
      endStatesLeft: this.endStatesLeft,
      maxStepsPerCell: this.maxSteps,
      stepsOfDoneCells: this.stepsOfDoneCells,
      stepSeconds: this.stepSeconds.value,
      cellOverheadSeconds: this.cellOverhead.value,
      endStateSeconds: this.endState.value,
      probeSeconds: this.probeSeconds,
      cellStarting: started && this.stepsInCell === 0,
      cellElapsedSeconds: started ? (Date.now() - this.cellStartedAt) / 1000 : 0,
    });
  }
}
