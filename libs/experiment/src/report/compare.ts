import fs from 'node:fs';
import path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { analyze } from '../analysis/analyze';
import { ARCHITECTURES } from '../config/experiment-config.schema';
import { readResults } from '../results/results-file';
import { ARCH_LABEL, baseConfig } from './charts';
import { buildComparisonBlocks, type ComparedRun } from './compare-blocks';
import { renderHtml, renderMarkdown } from './report-document';
import { renderSvg } from './render-svg';

export { buildComparisonBlocks, overlaps, type ComparedRun } from './compare-blocks';

/** ψ vs cores of both runs under the first run's deciding model, with interval bars. */
const comparisonChart = (a: ComparedRun, b: ComparedRun): TopLevelSpec => {
  const model = a.analysis.models[0];
  const rows = [a, b].flatMap((run) =>
    run.analysis.psi
      .filter((series) => series.model === model)
      .flatMap((series) => {
        const first = series.entries[0];
        if (!first) return [];
        const base = { run: run.label, series: `${ARCH_LABEL[series.arch]} · ${series.workload}` };
        return [
          { ...base, cores: first.cores1, psi: 1, low: 1, high: 1 },
          ...series.entries
            .filter((entry) => entry.k1 === first.k1 && Number.isFinite(entry.psi.estimate))
            .map((entry) => ({
              ...base,
              cores: entry.cores2,
              psi: entry.psi.estimate,
              low: entry.psi.low,
              high: entry.psi.high,
            })),
        ];
      }),
  );
  const shades = { es: ['#0072B2', '#56B4E9', '#004c77'], crud: ['#D55E00', '#E69F00', '#8f3f00'] };
  const colors = { domain: [] as string[], range: [] as string[] };
  for (const arch of ARCHITECTURES)
    [...new Set(rows.map((row) => row.series))]
      .filter((label) => label.startsWith(ARCH_LABEL[arch]))
      .forEach((label, index) => {
        colors.domain.push(label);
        colors.range.push(shades[arch][index % shades[arch].length] as string);
      });
  const color = { field: 'series', type: 'nominal' as const, title: null, scale: colors };
  const strokeDash = {
    field: 'run',
    type: 'nominal' as const,
    title: null,
    scale: {
      domain: [a.label, b.label],
      range: [
        [1, 0],
        [6, 4],
      ],
    },
    legend: null,
  };
  const x = { field: 'cores', type: 'quantitative' as const, title: 'cores of the budget' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: baseConfig,
    title: {
      text: 'Scalability ψ vs cores of both runs',
      subtitle: `solid: ${a.label}, dashed: ${b.label}; bars: intervals; grey rule: ψ = ${a.analysis.psiThreshold}`,
    },
    width: 520,
    height: 280,
    layer: [
      {
        data: { values: rows },
        mark: { type: 'line', point: { filled: true, size: 60 }, strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'psi', type: 'quantitative', title: 'ψ(k₁, k)' },
          color,
          strokeDash,
        },
      },
      {
        data: { values: rows },
        mark: { type: 'rule', strokeWidth: 2, opacity: 0.6 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color },
      },
      {
        data: { values: [{ y: a.analysis.psiThreshold }] },
        mark: { type: 'rule', color: '#888', strokeDash: [2, 2] },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
};

const loadRun = (dir: string, label: string): ComparedRun => {
  const { results } = readResults(dir);
  return { label, dir, results, analysis: analyze(results) };
};

/** `qf compare <dirA> <dirB>`: writes compare.md, compare.html and the chart into `outDir`; returns the markdown. */
export const writeComparison = async (
  dirA: string,
  dirB: string,
  outDir: string,
): Promise<{ markdown: string; files: string[] }> => {
  const labelA = path.basename(path.resolve(dirA));
  let labelB = path.basename(path.resolve(dirB));
  if (labelB === labelA) labelB = `${labelB} (B)`;
  const a = loadRun(dirA, labelA);
  const b = loadRun(dirB, labelB);
  fs.mkdirSync(path.join(outDir, 'charts'), { recursive: true });
  const files: string[] = [];
  const svgs = new Map<string, string>();
  let chartId: string | undefined;
  if (a.analysis.psi.length + b.analysis.psi.length > 0) {
    chartId = 'compare-psi';
    const svg = await renderSvg(comparisonChart(a, b));
    const file = path.join(outDir, 'charts', `${chartId}.svg`);
    fs.writeFileSync(file, svg);
    svgs.set(chartId, svg);
    files.push(file);
  }
  const blocks = buildComparisonBlocks(a, b, chartId);
  const markdown = renderMarkdown(blocks);
  fs.writeFileSync(path.join(outDir, 'compare.md'), markdown);
  fs.writeFileSync(
    path.join(outDir, 'compare.html'),
    renderHtml(`Quest Fleet: ${labelA} vs ${labelB}`, blocks, svgs),
  );
  files.push(path.join(outDir, 'compare.md'), path.join(outDir, 'compare.html'));
  return { markdown, files };
};
