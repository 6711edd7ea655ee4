import type { StepProbe } from './step-probe';
import { measureWriteStep } from './write-step';

describe('qf bench write: one measured step', () => {
  it('ends only after the samples it started have ended (none outlives its clients)', async () => {
    const events: string[] = [];
    const slowSample: StepProbe = {
      name: 'slow',
      start: async () => undefined,
      // Started about once a second; the last one is still running when the load ends.
      sample: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            events.push('sample ended');
            resolve();
          }, 1500),
        ),
      finish: async () => ({}),
    };
    const step = await measureWriteStep({
      rate: 20,
      durationSec: 1.2,
      warmupSec: 0,
      next: () => ({ label: 'noop', run: async () => 200 }),
      processes: [],
      probes: [slowSample],
      log: () => undefined,
    });
    events.push('step ended');
    expect(step.result.completed).toBeGreaterThan(0);
    expect(events[events.length - 1]).toBe('step ended');
    expect(events).toContain('sample ended');
  });
});
