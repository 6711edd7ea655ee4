import type { OpenLoopResult } from '@qf/loadgen';
import type { StepResult } from '../results/experiment-results';
import { OCC_EXHAUSTED_STATUS } from './conflict-target';
import {
  bestPassingStep,
  buildStepResult,
  countRequests,
  diskGrowth,
  emptyFailedStep,
  failStep,
  holdsSlo,
  needsRerun,
} from './step-result';

const slo = { latencyMs: 100, percentile: 95 as const, maxErrorRatio: 0.01 };

const latency = (p95: number) => ({
  count: 100,
  mean: p95 / 2,
  p50: p95 / 3,
  p90: p95 * 0.9,
  p95,
  p99: p95 * 1.5,
  p999: p95 * 2,
  max: p95 * 3,
});

const loop = (statuses: Record<string, number>, p95 = 40, measuredSeconds = 10): OpenLoopResult => {
  const scheduled = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    intendedRate: scheduled / measuredSeconds,
    measuredSeconds,
    scheduled,
    completed: scheduled,
    ok: 0,
    decided: 0,
    failed: 0,
    dropped: statuses['dropped'] ?? 0,
    timedOut: statuses['timeout'] ?? 0,
    achievedRate: 0,
    decidedRate: 0,
    statuses,
    byLabel: {},
    latency: latency(p95),
    latencyByLabel: {},
  };
};

describe('countRequests', () => {
  it('sorts answers: 2xx succeeded, 4xx rejections, the rest errors', () => {
    expect(
      countRequests(
        loop({
          '200': 700,
          '201': 100,
          '409': 40,
          '422': 5,
          '404': 1,
          '503': 3,
          error: 2,
          timeout: 1,
          dropped: 4,
        }),
      ),
    ).toEqual({ sent: 856, succeeded: 800, rejections: 46, errors: 10, conflicts: 0 });
  });

  it('counts OCC exhaustion (the 599 mark) as an error and as a conflict, domain 409s as rejections', () => {
    expect(countRequests(loop({ '200': 90, '409': 6, [OCC_EXHAUSTED_STATUS]: 4 }))).toEqual({
      sent: 100,
      succeeded: 90,
      rejections: 6,
      errors: 4,
      conflicts: 4,
    });
  });
});

describe('diskGrowth', () => {
  it('gives the bytes added per role, never negative', () => {
    expect(
      diskGrowth(
        [
          { name: 'events', role: 'event-store', bytes: 1000 },
          { name: 'db', role: 'database', bytes: 5000 },
        ],
        [
          { name: 'events', role: 'event-store', bytes: 1600 },
          { name: 'db', role: 'database', bytes: 4000 },
          { name: 'audit', role: 'broker', bytes: 300 },
        ],
      ),
    ).toEqual({ 'event-store': 600, database: 0, broker: 300 });
  });
});

describe('holdsSlo', () => {
  const counts = { sent: 1000, succeeded: 990, rejections: 5, errors: 5, conflicts: 0 };
  it('holds when the percentile is within T^ and errors within the allowed share', () => {
    expect(holdsSlo(latency(100), counts, slo)).toBe(true);
  });
  it('misses when the percentile exceeds T^', () => {
    expect(holdsSlo(latency(100.1), counts, slo)).toBe(false);
  });
  it('misses when too many requests failed', () => {
    expect(holdsSlo(latency(10), { ...counts, succeeded: 970, errors: 25 }, slo)).toBe(false);
  });
  it('uses the configured percentile', () => {
    expect(holdsSlo(latency(90), counts, { ...slo, percentile: 99 })).toBe(false);
    expect(holdsSlo(latency(250), counts, { ...slo, percentile: 50 })).toBe(true);
  });
  it('misses when nothing was answered', () => {
    expect(
      holdsSlo(latency(1), { sent: 10, succeeded: 0, rejections: 0, errors: 0, conflicts: 0 }, slo),
    ).toBe(false);
  });
});

describe('buildStepResult', () => {
  it('takes λ from the successful answers over the measured time and judges the SLO', () => {
    const step = buildStepResult(
      {
        index: 2,
        offeredRate: 200,
        startedAt: '2026-01-01T00:00:00.000Z',
        windowSeconds: 10.4,
        loop: loop({ '200': 1900, '409': 100 }, 55, 10),
        processes: [],
        disk: [],
        consumerLag: [{ group: 'g', totalLag: 0, maxPartitionLag: 0 }],
        saturation: { inFlightPeak: 12 },
      },
      slo,
    );
    expect(step).toMatchObject({
      index: 2,
      status: 'ok',
      throughput: 190,
      durationSeconds: 10.4,
      withinSlo: true,
      requests: { sent: 2000, succeeded: 1900, rejections: 100, errors: 0 },
      latencyMs: { p95: 55 },
      saturation: { inFlightPeak: 12 },
    });
  });
});

describe('failure marking', () => {
  const ok = (index: number, offeredRate: number, withinSlo: boolean): StepResult => ({
    ...emptyFailedStep(index, offeredRate, 't', 'x'),
    status: 'ok',
    withinSlo,
  });

  it('keeps what a failed step measured, with its reason, and never lets it hold the SLO', () => {
    const failed = failStep(ok(3, 400, true), 'lost qf-projector-1 (pid 42) during the step');
    expect(failed).toMatchObject({
      index: 3,
      offeredRate: 400,
      status: 'failed',
      reason: 'lost qf-projector-1 (pid 42) during the step',
      withinSlo: false,
    });
  });

  it('an empty failed step has a positive duration (the results format requires it)', () => {
    const step = emptyFailedStep(0, 100, 't', 'fleet gone');
    expect(step.durationSeconds).toBeGreaterThan(0);
    expect(step.requests.sent).toBe(0);
  });

  it('chooses the highest rate that held the SLO, never a failed step', () => {
    const steps = [
      ok(0, 100, true),
      ok(1, 200, true),
      ok(2, 400, false),
      ok(3, 300, true),
      failStep(ok(4, 350, true), 'lost kafka-1'),
    ];
    expect(bestPassingStep(steps)).toBe(3);
    expect(bestPassingStep([ok(0, 100, false)])).toBeUndefined();
  });
});

describe('needsRerun', () => {
  const pollution = { maxReruns: 1, rerunPassing: false };
  it('measures a polluted miss again, while reruns are left', () => {
    expect(needsRerun({ status: 'ok', polluted: true, withinSlo: false }, pollution, 0)).toBe(true);
    expect(needsRerun({ status: 'ok', polluted: true, withinSlo: false }, pollution, 1)).toBe(
      false,
    );
  });
  it('lets a polluted pass stand unless told otherwise, and never reruns a clean or failed step', () => {
    expect(needsRerun({ status: 'ok', polluted: true, withinSlo: true }, pollution, 0)).toBe(false);
    expect(
      needsRerun(
        { status: 'ok', polluted: true, withinSlo: true },
        { ...pollution, rerunPassing: true },
        0,
      ),
    ).toBe(true);
    expect(needsRerun({ status: 'ok', polluted: false, withinSlo: false }, pollution, 0)).toBe(
      false,
    );
    expect(needsRerun({ status: 'failed', polluted: true, withinSlo: false }, pollution, 0)).toBe(
      false,
    );
  });
});
