import { trace } from '@opentelemetry/api';
import { ConsumerSpans } from './consumer-spans';
import { extractTraceContext, inSpan, startSpan, traceMessage, tracing } from './tracing';

// Without OTEL_EXPORTER_OTLP_ENDPOINT (the default) every helper is a pass-through: the
// hot paths that call them (the gateway's command records, the processor's and consumers'
// batches) get no header, no span and no SDK.
describe('tracing off', () => {
  const traced = {
    offset: '7',
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  };

  it('is off without an OTLP endpoint', () => {
    expect(tracing().enabled).toBe(false);
    expect(process.env['OTEL_EXPORTER_OTLP_ENDPOINT']).toBeUndefined();
  });

  it('leaves a message untouched: no headers object is created', () => {
    const message: { key: string; value: string; headers?: Record<string, string> } = {
      key: 'p-1',
      value: '{}',
    };
    expect(traceMessage(message)).toBe(message);
    expect(message).not.toHaveProperty('headers');
  });

  it('opens no consumer spans, even for records that carry a trace', () => {
    expect(
      ConsumerSpans.open({ groupId: 'g', topic: 't', partition: 0 }, [traced], () => 'x'),
    ).toBeUndefined();
  });

  it('runs work with a non-recording span and ignores incoming trace contexts', () => {
    expect(inSpan('work', {}, (span) => span.isRecording())).toBe(false);
    expect(startSpan('work').span.isRecording()).toBe(false);
    expect(trace.getSpan(extractTraceContext(traced.headers))).toBeUndefined();
  });
});
