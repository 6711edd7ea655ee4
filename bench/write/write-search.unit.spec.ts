import type { OpenLoopResult } from '@qf/loadgen';
import { sumSeries } from './step-probe';
import { judgeStep } from './write-search';
import type { WriteStepResult } from './write-step';
import { roleOf } from './write-target';

const step = (p95: number, failed: number, scheduled = 1000): WriteStepResult => ({
  rate: 1000,
  result: { scheduled, failed, latency: { p95 } } as unknown as OpenLoopResult,
  windowSeconds: 1,
  cpuSeconds: {},
  cpuMsPerCommand: {},
  systemShare: {},
  figures: {},
});

describe('qf bench write --search pieces', () => {
  it('a step holds the SLO when its p95 and its error share are within bounds, and says why not', () => {
    const slo = { sloP95Ms: 50, maxErrorRate: 0.001 };
    expect(judgeStep(step(49.9, 1), slo)).toEqual({ passed: true, reasons: [] });
    expect(judgeStep(step(50.1, 0), slo).reasons).toEqual(['p95 50.1 ms > 50 ms']);
    expect(judgeStep(step(10, 2), slo).reasons).toEqual(['2 of 1000 failed (0.20 %)']);
    expect(judgeStep(step(10, 0, 0), slo).passed).toBe(false);
  });

  it('reports processes under their role', () => {
    expect(
      [
        'loadgen',
        'bench-command-gateway',
        'qfgw-command-processor-2',
        'infra-kafka-1',
        'infra-mongo',
        'qf-projector-1',
        'qf-outbox-relay-1',
      ].map(roleOf),
    ).toEqual(['loadgen', 'gateway', 'processor', 'broker', 'database', 'projector', 'relay']);
  });

  it('sums the samples of a Prometheus series over its labels', () => {
    const text = [
      '# HELP qf_processor_batch_size Commands per transaction',
      'qf_processor_batch_size_sum{slot="0"} 120',
      'qf_processor_batch_size_sum{slot="1"} 30',
      'qf_processor_batch_size_count 10',
      'qf_processor_batch_size_bucket{le="1"} 2',
      'qf_gateway_kafka_requests_total{client="reply-consumer",api="Fetch"} 7',
      'qf_gateway_kafka_requests_total{client="producer",api="Produce"} 3',
    ].join('\n');
    expect(
      sumSeries(text, {
        qf_processor_batch_size_sum: 0,
        qf_processor_batch_size_count: 0,
        'qf_gateway_kafka_requests_total{client="reply-consumer",api="Fetch"}': 0,
      }),
    ).toEqual({
      qf_processor_batch_size_sum: 150,
      qf_processor_batch_size_count: 10,
      'qf_gateway_kafka_requests_total{client="reply-consumer",api="Fetch"}': 7,
    });
  });
});
