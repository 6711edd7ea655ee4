import * as hdr from 'hdr-histogram-js';

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

// 32-bit buckets rather than the packed array: a few hundred KB per histogram, and
// recording is an array increment instead of the packed array's index search (the packed
// histograms were a tenth of the load generator's CPU).
const newHistogram = () =>
  hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 10 * 60 * 1_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

type Histogram = ReturnType<typeof newHistogram>;

const summarize = (histogram: Histogram): LatencySummary => {
  const ms = (micros: number) => Math.round(micros) / 1000;
  return {
    count: histogram.totalCount,
    mean: histogram.totalCount ? ms(histogram.mean) : 0,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  };
};

/** HdrHistograms of latencies (microsecond resolution) overall and per label. */
export class LatencyRecorder {
  private readonly all = newHistogram();
  private readonly byLabel = new Map<string, Histogram>();
  private window = newHistogram();

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  record(label: string, latencyMs: number): void {
    const micros = Math.max(1, Math.round(latencyMs * 1000));
    this.all.recordValue(micros);
    this.window.recordValue(micros);
    let histogram = this.byLabel.get(label);
    if (!histogram) {
      histogram = newHistogram();
      this.byLabel.set(label, histogram);
    }
    histogram.recordValue(micros);
  }

  overall(): LatencySummary {
    return summarize(this.all);
  }

  perLabel(): Record<string, LatencySummary> {
    return Object.fromEntries(
      [...this.byLabel]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, histogram]) => [label, summarize(histogram)]),
    );
  }

  /** The latencies recorded since the previous call (for progress lines), then resets that window. */
  takeWindow(): LatencySummary {
    const summary = summarize(this.window);
    this.window.reset();
    return summary;
  }
}
