import { fillCommand, parseMetricValue, parsePrometheusVector, windowQuery } from './remote-cpu';

describe('remote CPU sources', () => {
  it('sums an instant vector from the Prometheus HTTP API', () => {
    expect(
      parsePrometheusVector({
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ value: [1700000000, '0.25'] }, { value: [1700000000, '0.5'] }],
        },
      }),
    ).toBeCloseTo(0.75, 12);
  });

  it('says what Prometheus answered when it is not a vector', () => {
    expect(() =>
      parsePrometheusVector({ status: 'error', error: 'parse error at char 5' }),
    ).toThrow(/Prometheus answered error: parse error/);
    expect(() =>
      parsePrometheusVector({ status: 'success', data: { resultType: 'matrix', result: [] } }),
    ).toThrow(/instant vector/);
    expect(() =>
      parsePrometheusVector({ status: 'success', data: { resultType: 'vector', result: [] } }),
    ).toThrow(/matched no series/);
  });

  it('reads process_cpu_seconds_total and RSS from /metrics text', () => {
    const text = [
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      'process_cpu_seconds_total 12.34',
      'process_resident_memory_bytes{service="query"} 1.5e8',
    ].join('\n');
    expect(parseMetricValue(text, 'process_cpu_seconds_total')).toBe(12.34);
    expect(parseMetricValue(text, 'process_resident_memory_bytes')).toBe(150_000_000);
    expect(parseMetricValue(text, 'process_open_fds')).toBeUndefined();
  });

  it('fills the placeholders of a scale command and of a PromQL window', () => {
    expect(
      fillCommand(
        'kubectl scale deploy -l qf-arch={arch} --replicas={replicas} # {k} {cores} {other}',
        { arch: 'es', replicas: 2, k: 2, cores: 0.8 },
      ),
    ).toBe('kubectl scale deploy -l qf-arch=es --replicas=2 # 2 0.8 {other}');
    expect(windowQuery('sum(rate(x[{window}s]))', 9.6)).toBe('sum(rate(x[10s]))');
    expect(windowQuery('sum(rate(x[{window}s]))', 0.2)).toBe('sum(rate(x[1s]))');
  });
});
