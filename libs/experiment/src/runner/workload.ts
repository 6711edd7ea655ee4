import type { Operation, OperationMix, ScenarioSpec } from '@qf/loadgen';
import type { WorkloadMix } from '../config/experiment-config.schema';

/** Rooms and items the generated commands pick from (as in the load generator's built-in mixes). */
export const WORKLOAD_ROOMS = 50;
export const WORKLOAD_ITEMS = 20;

/** A config workload mix as the load generator's scenario (same operation names on both sides). */
export const scenarioOf = (workload: WorkloadMix): ScenarioSpec => ({
  name: workload.name,
  players: workload.players,
  mix: Object.fromEntries(
    Object.entries(workload.operations).filter(([, weight]) => weight > 0),
  ) as OperationMix,
  distribution:
    workload.keys.distribution === 'zipf'
      ? { kind: 'zipf', exponent: workload.keys.exponent }
      : { kind: 'uniform' },
  rooms: WORKLOAD_ROOMS,
  items: WORKLOAD_ITEMS,
});

/**
 * Counts the requests in flight at the generator and keeps the peak: the open-loop
 * backlog, which stands in for the thesis's busy server threads.
 */
export class InFlightCounter {
  private current = 0;
  private highest = 0;

  wrap(operation: Operation): Operation {
    return {
      label: operation.label,
      run: async () => {
        this.current += 1;
        if (this.current > this.highest) this.highest = this.current;
        try {
          return await operation.run();
        } finally {
          this.current -= 1;
        }
      },
    };
  }

  /** The peak since the last call, then starts a new one from what is in flight now. */
  takePeak(): number {
    const peak = this.highest;
    this.highest = this.current;
    return peak;
  }
}
