import { estimateRemainingSeconds, formatCompactDuration, RunningMean, type EtaInput } from './eta';

const base: EtaInput = {
  cellsAfterCurrent: 0,
  stepsLeftInCell: 0,
  probePhaseLeft: false,
  endStatesLeft: 0,
  maxStepsPerCell: 6,
  stepsOfDoneCells: [],
  stepSeconds: 10,
  cellOverheadSeconds: 20,
  endStateSeconds: 30,
  probeSeconds: 8,
};

describe('estimateRemainingSeconds', () => {
  it('is 0 when nothing is left', () => {
    expect(estimateRemainingSeconds(base)).toBe(0);
  });

  it('assumes the most steps per cell before any cell finished', () => {
    // 2 cells x (20 s overhead + 6 steps x 10 s + 8 s probes)
    expect(estimateRemainingSeconds({ ...base, cellsAfterCurrent: 2 })).toBe(2 * (20 + 60 + 8));
  });

  it('expects as many steps as finished searches took on average', () => {
    const eta = estimateRemainingSeconds({
      ...base,
      cellsAfterCurrent: 1,
      stepsOfDoneCells: [4, 5],
    });
    expect(eta).toBe(20 + 4.5 * 10 + 8);
  });

  it('adds the current cell: its remaining steps, the probe phase and the start-up still ahead', () => {
    expect(
      estimateRemainingSeconds({
        ...base,
        stepsLeftInCell: 3,
        probePhaseLeft: true,
        cellStarting: true,
        cellElapsedSeconds: 5,
      }),
    ).toBe(15 + 3 * 10 + 8);
  });

  it('counts the end-state measurements still ahead', () => {
    expect(estimateRemainingSeconds({ ...base, endStatesLeft: 2 })).toBe(60);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [37.4, '37s'],
    [245, '4m05s'],
    [3725, '1h02m'],
    [-5, '0s'],
  ])('%d s -> %s', (seconds, text) => {
    expect(formatCompactDuration(seconds)).toBe(text);
  });
});

describe('RunningMean', () => {
  it('falls back until it has a value, then averages', () => {
    const mean = new RunningMean(12);
    expect(mean.value).toBe(12);
    mean.add(10);
    mean.add(20);
    mean.add(Number.NaN);
    expect(mean.value).toBe(15);
  });
});
