import type { CellResult, ConsistencySummary, StepResult } from '../results/experiment-results';

/** The configured latency percentile of a step, ms. */
export const latencyOf = (step: StepResult, percentile: number): number =>
  percentile === 50
    ? step.latencyMs.p50
    : percentile === 99
      ? step.latencyMs.p99
      : step.latencyMs.p95;

/**
 * The step that sets λ(k): the one the runner chose, else the highest offered rate within the
 * SLO (steps measured again because other work polluted them do not count); when no step held
 * the SLO, the lowest-rate step that ran (its f shows how far it missed).
 */
export const chooseStep = (cell: CellResult): StepResult | undefined => {
  if (cell.chosenStep !== undefined) {
    const chosen = cell.steps[cell.chosenStep];
    if (chosen && chosen.status === 'ok') return chosen;
  }
  const ran = cell.steps.filter((step) => step.status === 'ok' && !step.superseded);
  const passing = ran.filter((step) => step.withinSlo);
  if (passing.length > 0)
    return passing.reduce((best, step) => (step.offeredRate > best.offeredRate ? step : best));
  return ran.reduce<StepResult | undefined>(
    (lowest, step) => (!lowest || step.offeredRate < lowest.offeredRate ? step : lowest),
    undefined,
  );
};

/** A cell's time to consistency: its own probe phase (v2), else the one stored on its λ step (v1). */
export const consistencyOf = (cell: CellResult): ConsistencySummary | undefined =>
  cell.consistency?.summary ?? chooseStep(cell)?.timeToConsistency;

/** Share of consistency probes visible within `withinMs` (1 when nothing was probed, as in the thesis code). */
export const readVisibleRate = (ttc: ConsistencySummary | undefined, withinMs: number): number => {
  if (!ttc || ttc.count + ttc.timeouts === 0 || ttc.samples.length === 0) return 1;
  const visibleShare =
    ttc.samples.filter((sample) => sample <= withinMs).length / ttc.samples.length;
  return (visibleShare * ttc.count) / (ttc.count + ttc.timeouts);
};
