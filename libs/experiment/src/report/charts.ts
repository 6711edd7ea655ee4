/**
 * The report's charts as Vega-Lite specs (pure: data in, spec out). render-svg.ts turns them into
 * SVG with Vega; nothing here touches the file system.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Analysis, ProductivityPoint } from '../analysis/analyze';
import { chooseStep } from '../analysis/analyze';
import type { Architecture } from '../config/experiment-config.schema';
import type { ExperimentResults } from '../results/experiment-results';

export interface ChartSpec {
  /** File stem: charts/<id>.svg. */
  readonly id: string;
  readonly title: string;
  /** One or two sentences under the chart: what it shows and how to read it. */
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

export const ARCH_LABEL: Record<Architecture, string> = {
  es: 'ES + CQRS',
  crud: 'CRUD + audit log',
};
const ARCH_COLOR: Record<Architecture, string> = { es: '#0072B2', crud: '#D55E00' };
const ARCH_ORDER = [ARCH_LABEL.es, ARCH_LABEL.crud];
const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const WIDTH = 520;
const HEIGHT = 280;

export const baseConfig = {
  font: FONT,
  background: 'white',
  padding: 12,
  title: {
    fontSize: 14,
    anchor: 'start' as const,
    offset: 10,
    subtitleFontSize: 11,
    subtitleColor: '#555',
  },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e6e6e6' },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    orient: 'bottom' as const,
    direction: 'horizontal' as const,
    labelLimit: 400,
    symbolStrokeWidth: 2.5,
  },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ddd' },
};

const formatNumber = (value: number, digits = 3) => {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 1)
    return value.toFixed(Math.max(0, digits - Math.floor(Math.log10(magnitude)) - 1));
  return value.toPrecision(digits);
};

/** Series label: the architecture, plus the workload when there are several. */
const seriesLabeler = (results: ExperimentResults) => {
  const several = new Set(results.cells.map((cell) => cell.workload)).size > 1;
  return (arch: Architecture, workload: string) =>
    several ? `${ARCH_LABEL[arch]} · ${workload}` : ARCH_LABEL[arch];
};

/** Colours per series: the architecture's hue, lighter shades for further workloads. */
const seriesScale = (results: ExperimentResults) => {
  const label = seriesLabeler(results);
  const workloads = [...new Set(results.cells.map((cell) => cell.workload))];
  const shades: Record<Architecture, string[]> = {
    es: ['#0072B2', '#56B4E9', '#004c77', '#8fd0f5'],
    crud: ['#D55E00', '#E69F00', '#8f3f00', '#f0c36b'],
  };
  const domain: string[] = [];
  const range: string[] = [];
  for (const arch of ['es', 'crud'] as const) {
    workloads.forEach((workload, index) => {
      domain.push(label(arch, workload));
      range.push(shades[arch][index % shades[arch].length] ?? ARCH_COLOR[arch]);
    });
  }
  return { domain, range };
};

const kAxis = (ks: readonly number[]) => ({ values: [...ks], format: 'd', tickMinStep: 1 });

/** ψ(k_min, k) per series with the scalability threshold. */
const psiChart = (results: ExperimentResults, analysis: Analysis): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const rows = analysis.psi.flatMap((series) => {
    const first = series.entries[0];
    if (!first) return [];
    const fromFirst = series.entries.filter(
      (entry) => entry.k1 === first.k1 && entry.psi !== undefined,
    );
    return [
      { series: label(series.arch, series.workload), k: first.k1, psi: 1 },
      ...fromFirst.map((entry) => ({
        series: label(series.arch, series.workload),
        k: entry.k2,
        psi: entry.psi as number,
      })),
    ];
  });
  if (rows.length === 0) return undefined;
  const ks = [...new Set(rows.map((row) => row.k))].sort((a, b) => a - b);
  const threshold = analysis.psiThreshold;
  const maxPsi = Math.max(threshold * 1.25, 1.2, ...rows.map((row) => row.psi * 1.1));
  const variant = analysis.variant === 'thesis' ? ' (thesis variant)' : '';
  return {
    id: 'psi-vs-k',
    title: `Scalability ψ(k₁, k) vs k${variant}`,
    caption: `ψ(k₁,k) = F(k)/F(k₁) from the smallest measured k. At or above the dashed line (ψ = ${threshold}) the step from k₁ to k counts as scalable.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: `Scalability ψ(k₁, k)${variant}`,
        subtitle: 'F = λ·f/C relative to the smallest k; dashed: scalability threshold',
      },
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', point: { size: 70, filled: true }, strokeWidth: 2.5 },
          encoding: {
            x: {
              field: 'k',
              type: 'quantitative',
              title: 'scale factor k',
              axis: kAxis(ks),
              scale: { domain: [Math.min(...ks) - 0.2, Math.max(...ks) + 0.2], nice: false },
            },
            y: {
              field: 'psi',
              type: 'quantitative',
              title: 'ψ(k₁, k)',
              scale: { domain: [0, maxPsi], nice: false },
            },
            color: { field: 'series', type: 'nominal', title: null, scale: seriesScale(results) },
          },
        },
        {
          data: { values: [{ y: threshold, text: `threshold ψ = ${threshold}` }] },
          layer: [
            {
              mark: { type: 'rule', strokeDash: [6, 4], color: '#444', strokeWidth: 1.5 },
              encoding: { y: { field: 'y', type: 'quantitative' } },
            },
            {
              mark: {
                type: 'text',
                align: 'left',
                baseline: 'top',
                dx: 4,
                dy: 4,
                color: '#444',
                fontSize: 11,
              },
              encoding: {
                y: { field: 'y', type: 'quantitative' },
                x: { value: 0 },
                text: { field: 'text' },
              },
            },
          ],
        },
      ],
    } as TopLevelSpec,
  };
};

/** p95 vs achieved throughput of every search step, one line per k, one panel per architecture. */
const latencyThroughputChart = (
  results: ExperimentResults,
  analysis: Analysis,
): ChartSpec | undefined => {
  const workloads = new Set(results.cells.map((cell) => cell.workload));
  const rows = results.cells.flatMap((cell) =>
    cell.steps
      .filter((step) => step.status === 'ok')
      .map((step) => ({
        arch: ARCH_LABEL[cell.arch],
        workload: cell.workload,
        k: `k = ${cell.k}`,
        kValue: cell.k,
        offered: step.offeredRate,
        throughput: step.throughput,
        latency: Math.max(
          0.1,
          analysis.percentile === 50
            ? step.latencyMs.p50
            : analysis.percentile === 99
              ? step.latencyMs.p99
              : step.latencyMs.p95,
        ),
        slo: step.withinSlo ? 'within SLO' : 'SLO missed',
      })),
  );
  if (rows.length === 0) return undefined;
  const p = `p${analysis.percentile}`;
  const column = { field: 'arch', type: 'nominal' as const, title: null, sort: ARCH_ORDER };
  const facet =
    workloads.size > 1
      ? { row: { field: 'workload', type: 'nominal' as const, title: null }, column }
      : { column };
  const maxLatency = Math.max(analysis.sloMs * 2, ...rows.map((row) => row.latency));
  return {
    id: 'latency-vs-throughput',
    title: `${p} latency vs throughput, per k (rate search trace)`,
    caption: `Every measured step of the rate search: achieved throughput λ against ${p} latency (log scale). Lines join the steps of one k in order of offered rate; crosses missed the SLO. Dashed: T^ = ${analysis.sloMs} ms.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: {
        text: `${p} latency vs throughput per k`,
        subtitle: `rate-search steps; dashed line: T^ = ${analysis.sloMs} ms`,
      },
      data: { values: rows },
      facet,
      spec: {
        width: workloads.size > 1 ? 300 : 320,
        height: 240,
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1.5, opacity: 0.8 },
            encoding: {
              x: {
                field: 'throughput',
                type: 'quantitative',
                title: 'throughput λ (successful responses/s)',
              },
              y: {
                field: 'latency',
                type: 'quantitative',
                title: `${p} latency (ms, log)`,
                scale: {
                  type: 'log',
                  domain: [
                    Math.max(0.1, Math.min(...rows.map((row) => row.latency)) / 1.5),
                    maxLatency * 1.5,
                  ],
                  nice: false,
                },
              },
              color: {
                field: 'k',
                type: 'ordinal',
                title: 'scale factor',
                scale: { scheme: 'viridis' },
                sort: { field: 'kValue' },
              },
              order: { field: 'offered', type: 'quantitative' },
            },
          },
          {
            mark: { type: 'point', size: 70, strokeWidth: 2, filled: true },
            encoding: {
              x: { field: 'throughput', type: 'quantitative' },
              y: { field: 'latency', type: 'quantitative' },
              color: { field: 'k', type: 'ordinal', sort: { field: 'kValue' } },
              shape: {
                field: 'slo',
                type: 'nominal',
                title: null,
                scale: { domain: ['within SLO', 'SLO missed'], range: ['circle', 'cross'] },
              },
            },
          },
          {
            mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
            encoding: { y: { datum: analysis.sloMs } },
          },
        ],
      },
      resolve: { scale: { x: 'independent' } },
    } as TopLevelSpec,
  };
};

const COST_COMPONENTS = [
  'CPU',
  'RAM',
  'database storage',
  'event-store storage',
  'ops (per instance)',
] as const;

/** Stacked cost per hour of the chosen step at each k. */
const costChart = (results: ExperimentResults, analysis: Analysis): ChartSpec | undefined => {
  const several = new Set(analysis.points.map((point) => point.workload)).size > 1;
  const rows = analysis.points.flatMap((point) => {
    const group = several ? `${point.workload} k=${point.k}` : `k = ${point.k}`;
    const values: Record<(typeof COST_COMPONENTS)[number], number> = {
      CPU: point.cost.cpu,
      RAM: point.cost.memory,
      'database storage': point.cost.database,
      'event-store storage': point.cost.eventStore,
      'ops (per instance)': point.cost.ops,
    };
    return COST_COMPONENTS.map((component, order) => ({
      arch: ARCH_LABEL[point.arch],
      group,
      component,
      order,
      perHour: values[component] * 3600,
    }));
  });
  if (rows.length === 0) return undefined;
  const currency = results.prices.currency;
  const storageShare =
    analysis.points.reduce((sum, point) => sum + point.cost.storage, 0) /
    Math.max(
      Number.MIN_VALUE,
      analysis.points.reduce((sum, point) => sum + point.cost.total, 0),
    );
  const storageNote =
    storageShare < 0.01
      ? ` Storage is under 1 % of C here (tens of MB priced per GiB-month), so its bars are too thin to see; the table has the figures.`
      : '';
  return {
    id: 'cost-breakdown',
    title: 'Cost breakdown at the chosen step',
    caption: `C = C_infra + C_storage + C_ops from measured CPU-seconds, average RSS, bytes on disk and instance count, priced with ${results.pricesFile}; shown per hour (${currency}/h) for readability.${storageNote}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: {
        text: `Cost per hour at the chosen step (${currency}/h)`,
        subtitle: 'C = C_infra (CPU, RAM) + C_storage (database, event store) + C_ops',
      },
      data: { values: rows },
      facet: { column: { field: 'arch', type: 'nominal', title: null, sort: ARCH_ORDER } },
      spec: {
        width: several ? 260 : 200,
        height: 240,
        mark: { type: 'bar' },
        encoding: {
          x: {
            field: 'group',
            type: 'nominal',
            title: null,
            axis: { labelAngle: several ? -30 : 0 },
          },
          y: {
            field: 'perHour',
            type: 'quantitative',
            title: `${currency} per hour`,
            stack: 'zero',
          },
          color: {
            field: 'component',
            type: 'nominal',
            title: null,
            scale: {
              domain: [...COST_COMPONENTS],
              range: ['#4C78A8', '#72B7B2', '#F58518', '#E45756', '#9D755D'],
            },
          },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    } as TopLevelSpec,
  };
};

/** Empirical CDF of time to consistency at the chosen step of each k. */
const consistencyChart = (
  results: ExperimentResults,
  analysis: Analysis,
): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const rows: { series: string; k: string; ms: number; share: number }[] = [];
  for (const cell of results.cells) {
    const step = chooseStep(cell);
    const samples = step?.timeToConsistency?.samples;
    if (!samples || samples.length === 0) continue;
    const sorted = [...samples].sort((a, b) => a - b);
    const stride = Math.max(1, Math.floor(sorted.length / 200));
    for (let i = 0; i < sorted.length; i += stride) {
      rows.push({
        series: label(cell.arch, cell.workload),
        k: `k = ${cell.k}`,
        ms: Math.max(0.1, sorted[i]!),
        share: (i + 1) / sorted.length,
      });
    }
    rows.push({
      series: label(cell.arch, cell.workload),
      k: `k = ${cell.k}`,
      ms: Math.max(0.1, sorted[sorted.length - 1]!),
      share: 1,
    });
  }
  if (rows.length === 0) return undefined;
  return {
    id: 'time-to-consistency',
    title: 'Time to consistency (append → visible), CDF',
    caption: `Share of consistency probes visible in the read side within x ms, at the chosen step of each k (log x axis). Dashed: T^ = ${analysis.sloMs} ms.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'Time to consistency: cumulative distribution',
        subtitle: 'write accepted → visible in the read model / audit log, at the chosen step',
      },
      layer: [
        {
          data: { values: rows },
          mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
          encoding: {
            x: {
              field: 'ms',
              type: 'quantitative',
              title: 'time to consistency (ms, log)',
              scale: { type: 'log' },
            },
            y: {
              field: 'share',
              type: 'quantitative',
              title: 'share of probes visible',
              axis: { format: '%' },
              scale: { domain: [0, 1] },
            },
            color: { field: 'series', type: 'nominal', title: null, scale: seriesScale(results) },
            strokeDash: { field: 'k', type: 'nominal', title: null },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
          encoding: { x: { datum: analysis.sloMs } },
        },
      ],
    } as TopLevelSpec,
  };
};

const replayChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.replay
    .filter((entry) => entry.status === 'ok')
    .map((entry) => ({
      arch: ARCH_LABEL[entry.arch],
      view: `${ARCH_LABEL[entry.arch]}: ${entry.view}`,
      seconds: entry.seconds,
      label: `${formatNumber(entry.seconds)} s · ${formatNumber(entry.eventsPerSecond)} events/s`,
    }));
  if (rows.length === 0) return undefined;
  const maxSeconds = Math.max(...rows.map((row) => row.seconds));
  return {
    id: 'replay-time',
    title: 'Replay time to rebuild each view',
    caption:
      'Wall time to rebuild each view from offset 0 into a fresh collection, with the replay rate.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH - 80,
      height: { step: 34 },
      title: {
        text: 'Replay: time to rebuild every view',
        subtitle: 'from offset 0 into a new versioned collection',
      },
      data: { values: rows },
      layer: [
        {
          mark: { type: 'bar', height: 22 },
          encoding: {
            y: {
              field: 'view',
              type: 'nominal',
              title: null,
              sort: null,
              axis: { labelLimit: 260 },
            },
            x: {
              field: 'seconds',
              type: 'quantitative',
              title: 'seconds',
              scale: { domain: [0, maxSeconds * 1.6] },
            },
            color: {
              field: 'arch',
              type: 'nominal',
              title: null,
              scale: {
                domain: [ARCH_LABEL.es, ARCH_LABEL.crud],
                range: [ARCH_COLOR.es, ARCH_COLOR.crud],
              },
              legend: null,
            },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: {
            y: { field: 'view', type: 'nominal', sort: null },
            x: { field: 'seconds', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    } as TopLevelSpec,
  };
};

const storageChart = (results: ExperimentResults): ChartSpec | undefined => {
  const shades: Record<Architecture, string[]> = {
    es: ['#0072B2', '#56B4E9', '#004c77', '#8fd0f5'],
    crud: ['#D55E00', '#E69F00', '#8f3f00', '#f0c36b'],
  };
  const domain: string[] = [];
  const range: string[] = [];
  const rows = results.storagePerChange.flatMap((entry) => {
    const total = Object.values(entry.bytesByComponent).reduce((sum, value) => sum + value, 0);
    return Object.entries(entry.bytesByComponent).map(([component, bytes], index) => {
      const name = `${entry.arch === 'es' ? 'ES' : 'CRUD'}: ${component}`;
      domain.push(name);
      range.push(shades[entry.arch][index % shades[entry.arch].length]!);
      return {
        arch: ARCH_LABEL[entry.arch],
        component: name,
        order: index,
        perChange: total > 0 ? (bytes / total) * entry.bytesPerChange : 0,
      };
    });
  });
  if (rows.length === 0) return undefined;
  const totals = results.storagePerChange.map((entry) => ({
    arch: ARCH_LABEL[entry.arch],
    perChange: entry.bytesPerChange,
    label: `${formatNumber(entry.bytesPerChange)} B/change`,
  }));
  const maxTotal = Math.max(...totals.map((row) => row.perChange));
  return {
    id: 'storage-per-change',
    title: 'Storage bytes per state change',
    caption:
      'Bytes on disk divided by the state changes stored: event log + snapshots (ES) against documents + audit log (CRUD).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH - 80,
      height: { step: 44 },
      title: {
        text: 'Storage per state change (bytes on disk)',
        subtitle: 'event log + snapshots (ES) vs document + audit log (CRUD)',
      },
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar', height: 28 },
          encoding: {
            y: { field: 'arch', type: 'nominal', title: null, sort: ARCH_ORDER },
            x: {
              field: 'perChange',
              type: 'quantitative',
              title: 'bytes per state change',
              stack: 'zero',
              scale: { domain: [0, maxTotal * 1.35] },
            },
            color: {
              field: 'component',
              type: 'nominal',
              title: null,
              scale: { domain, range },
              legend: { orient: 'right', direction: 'vertical' },
            },
            order: { field: 'order', type: 'quantitative' },
          },
        },
        {
          data: { values: totals },
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 },
          encoding: {
            y: { field: 'arch', type: 'nominal', sort: ARCH_ORDER },
            x: { field: 'perChange', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
    } as TopLevelSpec,
  };
};

/** Measured λ(k) with the USL fit; the fit beyond the largest measured k is dashed and labelled. */
const uslChart = (results: ExperimentResults, analysis: Analysis): ChartSpec | undefined => {
  const label = seriesLabeler(results);
  const measured = analysis.usl.flatMap((series) =>
    series.fit.measured.map((point) => ({
      series: label(series.arch, series.workload),
      k: point.k,
      throughput: point.throughput,
    })),
  );
  if (measured.length === 0) return undefined;
  const curve = analysis.usl.flatMap((series) => {
    const largest = Math.max(...series.fit.measured.map((point) => point.k));
    return series.fit.curve.flatMap((point) => {
      const rows = [
        {
          series: label(series.arch, series.workload),
          k: point.k,
          throughput: point.throughput,
          part: point.projection ? 'USL projection' : 'USL fit (measured range)',
        },
      ];
      // The projection starts where the measured range ends, so the two segments join.
      if (point.k === largest) rows.push({ ...rows[0]!, part: 'USL projection' });
      return rows;
    });
  });
  const largestMeasured = Math.max(...measured.map((point) => point.k));
  const largestK = Math.max(largestMeasured, ...curve.map((point) => point.k));
  const ks = Array.from({ length: largestK }, (_, index) => index + 1);
  const maxThroughput = Math.max(
    ...measured.map((point) => point.throughput),
    ...curve.map((point) => point.throughput),
  );
  return {
    id: 'usl-throughput',
    title: 'Throughput λ(k): measured and Universal Scalability Law fit',
    caption: `Dots are measured λ(k); the solid line is the USL fit over the measured k; the dashed line beyond k = ${largestMeasured} is a PROJECTION, not a measurement. All replicas share one 2-core machine, so the projection describes this machine, not a cluster.`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      width: WIDTH,
      height: HEIGHT,
      title: {
        text: 'Throughput λ(k): measured vs USL',
        subtitle: `dashed = projection beyond the measured k (one shared 2-core machine)`,
      },
      layer: [
        {
          data: { values: [{ from: largestMeasured + 0.05, to: largestK + 0.3 }] },
          mark: { type: 'rect', color: '#f2f2f2' },
          encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
        },
        {
          data: { values: [{ x: largestMeasured + 0.15, text: 'projection →' }] },
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'top',
            dy: 4,
            color: '#666',
            fontSize: 11,
            fontStyle: 'italic',
          },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { value: 0 },
            text: { field: 'text' },
          },
        },
        {
          data: { values: curve },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: {
              field: 'k',
              type: 'quantitative',
              title: 'scale factor k',
              axis: kAxis(ks),
              scale: { domain: [0.7, largestK + 0.3], nice: false },
            },
            y: {
              field: 'throughput',
              type: 'quantitative',
              title: 'λ (successful responses/s)',
              scale: { domain: [0, maxThroughput * 1.15], nice: false },
            },
            color: { field: 'series', type: 'nominal', title: null, scale: seriesScale(results) },
            strokeDash: {
              field: 'part',
              type: 'nominal',
              title: null,
              scale: {
                domain: ['USL fit (measured range)', 'USL projection'],
                range: [
                  [1, 0],
                  [6, 4],
                ],
              },
            },
            detail: { field: 'part', type: 'nominal' },
          },
        },
        {
          data: { values: measured },
          mark: { type: 'point', size: 90, filled: true, opacity: 1 },
          encoding: {
            x: { field: 'k', type: 'quantitative' },
            y: { field: 'throughput', type: 'quantitative' },
            color: { field: 'series', type: 'nominal', scale: seriesScale(results) },
            shape: { datum: 'measured', type: 'nominal', title: null },
          },
        },
      ],
    } as TopLevelSpec,
  };
};

const historyChart = (results: ExperimentResults): ChartSpec | undefined => {
  const rows = results.history.flatMap((entry) =>
    (['p50', 'p95', 'p99'] as const).map((percentile) => ({
      arch: ARCH_LABEL[entry.arch],
      query: entry.query,
      percentile,
      ms: Math.max(0.01, entry.latencyMs[percentile]),
    })),
  );
  if (rows.length === 0) return undefined;
  return {
    id: 'history-latency',
    title: 'History and state-at queries: latency',
    caption:
      'Latency percentiles of the history and time-travel queries on each side (ES folds the event log; CRUD reads the audit log).',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      config: baseConfig,
      title: { text: 'History / state-at query latency', subtitle: 'p50, p95, p99 per query' },
      data: { values: rows },
      facet: {
        column: {
          field: 'query',
          type: 'nominal',
          title: null,
          sort: ['history', 'state-at-version', 'state-at-time'],
        },
      },
      spec: {
        width: 150,
        height: 220,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'percentile', type: 'nominal', title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'arch', type: 'nominal', sort: ARCH_ORDER },
          y: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
          color: {
            field: 'arch',
            type: 'nominal',
            title: null,
            scale: {
              domain: [ARCH_LABEL.es, ARCH_LABEL.crud],
              range: [ARCH_COLOR.es, ARCH_COLOR.crud],
            },
          },
        },
      },
    } as TopLevelSpec,
  };
};

/** Every chart the data supports, in report order (charts without data are left out). */
export const buildCharts = (results: ExperimentResults, analysis: Analysis): ChartSpec[] =>
  [
    psiChart(results, analysis),
    latencyThroughputChart(results, analysis),
    costChart(results, analysis),
    uslChart(results, analysis),
    consistencyChart(results, analysis),
    replayChart(results),
    storageChart(results),
    historyChart(results),
  ].filter((chart): chart is ChartSpec => chart !== undefined);

export type { ProductivityPoint };
