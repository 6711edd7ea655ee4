/**
 * The look shared by the report's charts (Vega-Lite specs: data in, spec out; render-svg.ts
 * turns them into SVG, nothing here touches the file system).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Architecture } from '../../config/experiment-config.schema';
import type { ExperimentResults } from '../../results/experiment-results';

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
export const ARCH_COLOR: Record<Architecture, string> = { es: '#0072B2', crud: '#D55E00' };
export const ARCH_ORDER = [ARCH_LABEL.es, ARCH_LABEL.crud];
export const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
export const WIDTH = 520;
export const HEIGHT = 280;

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

export const formatNumber = (value: number, digits = 3) => {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (magnitude >= 1)
    return value.toFixed(Math.max(0, digits - Math.floor(Math.log10(magnitude)) - 1));
  return value.toPrecision(digits);
};

/** Series label: the architecture, plus the workload when there are several. */
export const seriesLabeler = (results: ExperimentResults) => {
  const several = new Set(results.cells.map((cell) => cell.workload)).size > 1;
  return (arch: Architecture, workload: string) =>
    several ? `${ARCH_LABEL[arch]} · ${workload}` : ARCH_LABEL[arch];
};

/** Colours per series: the architecture's hue, lighter shades for further workloads. */
export const seriesScale = (results: ExperimentResults) => {
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

export const kAxis = (ks: readonly number[]) => ({ values: [...ks], format: 'd', tickMinStep: 1 });

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
export type { TopLevelSpec };
