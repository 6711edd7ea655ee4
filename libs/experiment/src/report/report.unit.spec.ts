import { analyze } from '../analysis/analyze';
import { syntheticResults } from '../testing/synthetic-results';
import { buildReportBlocks, sharedMachineStatement } from './build-report';
import { buildCharts } from './charts';
import { renderHtml, renderMarkdown, type Block } from './report-document';
import { renderSvg } from './render-svg';

describe('report document', () => {
  it('renders the same blocks to Markdown and HTML, escaping what needs it', () => {
    const blocks: Block[] = [
      { kind: 'heading', level: 2, text: 'ψ <table>' },
      { kind: 'table', header: ['a|b', 'n'], align: ['left', 'right'], rows: [['x <y>', '`1`']] },
      { kind: 'chart', id: 'psi-vs-k', title: 'ψ', caption: 'caption' },
    ];
    const markdown = renderMarkdown(blocks);
    expect(markdown).toContain('## ψ <table>');
    expect(markdown).toContain('| a\\|b | n |\n| --- | ---: |\n| x <y> | `1` |');
    expect(markdown).toContain('![ψ](charts/psi-vs-k.svg)');
    const html = renderHtml('t', blocks, new Map([['psi-vs-k', '<svg id="inline"></svg>']]));
    expect(html).toContain('<h2>ψ &lt;table&gt;</h2>');
    expect(html).toContain('<td>x &lt;y&gt;</td><td class="num"><code>1</code></td>');
    expect(html).toContain('<figure id="psi-vs-k"><svg id="inline"></svg>');
  });
});

describe('charts', () => {
  const results = syntheticResults();
  const analysis = analyze(results);
  const charts = buildCharts(results, analysis);

  it('builds every chart the issue asks for', () => {
    expect(charts.map((chart) => chart.id)).toEqual([
      'psi-vs-k',
      'latency-vs-throughput',
      'cost-breakdown',
      'usl-throughput',
      'time-to-consistency',
      'replay-time',
      'storage-per-change',
      'history-latency',
    ]);
  });

  it('renders each to SVG with Vega', async () => {
    for (const chart of charts) {
      const svg = await renderSvg(chart.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('</svg>');
    }
  });

  it('labels the USL projection as such and draws the ψ threshold', async () => {
    const usl = await renderSvg(charts.find((chart) => chart.id === 'usl-throughput')!.spec);
    expect(usl).toContain('projection →');
    expect(usl).toContain('USL projection');
    const psi = await renderSvg(charts.find((chart) => chart.id === 'psi-vs-k')!.spec);
    expect(psi).toContain('threshold ψ = 0.8');
  });

  it('leaves out charts without data', () => {
    const empty = { ...results, replay: [], storagePerChange: [], history: [] };
    expect(buildCharts(empty, analyze(empty)).map((chart) => chart.id)).not.toContain(
      'replay-time',
    );
  });
});

describe('report blocks', () => {
  const results = syntheticResults();
  const analysis = analyze(results);
  const markdown = renderMarkdown(
    buildReportBlocks(results, analysis, buildCharts(results, analysis)),
  );

  it('says the data is synthetic and where real figures would come from', () => {
    expect(markdown).toContain('SYNTHETIC DATA');
    expect(markdown).toContain(sharedMachineStatement(results));
    expect(sharedMachineStatement(results)).toMatch(
      /ONE shared machine with 2 cores.*Kafka, the database, Redis, every service replica and the load generator/,
    );
  });

  it('marks failed steps with their reason', () => {
    expect(markdown).toContain(
      'synthetic failure: load generator lost its connection (ECONNRESET) after 4.2 s',
    );
    expect(markdown).toMatch(/## Failures/);
  });

  it('states the formulas, the variant and the price sources', () => {
    expect(markdown).toContain('f = 1/(1 + T/T^)');
    expect(markdown).toContain('ψ(k1,k2) = F(k2)/F(k1)');
    expect(markdown).toContain('Jogalekar & Woodside (2000)');
    expect(markdown).toContain('| vCPU-hour |');
  });

  it('puts the thesis’s published ψ table beside ours for the thesis variant', () => {
    const thesis = syntheticResults({ config: { metric: { variant: 'thesis' } } });
    const thesisAnalysis = analyze(thesis);
    const text = renderMarkdown(buildReportBlocks(thesis, thesisAnalysis, []));
    expect(text).toContain('Beside the thesis (lukas-karsch/thesis)');
    expect(text).toContain('| L1 create lecture (simple) | 500 → 1000 | 1.4361 | 0.013 |');
    expect(text).toContain('thesis variant (lukas-karsch/thesis)');
  });

  it('reports an interrupted run as such', () => {
    const interrupted = {
      ...results,
      status: 'interrupted' as const,
      reason: 'SIGINT after 3 of 6 cells',
    };
    expect(renderMarkdown(buildReportBlocks(interrupted, analysis, []))).toContain(
      'This run is **interrupted**: SIGINT after 3 of 6 cells',
    );
  });
});
