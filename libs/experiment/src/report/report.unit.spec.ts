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
      'psi-vs-cores',
      'latency-vs-throughput',
      'cost-breakdown',
      'machine-cpu',
      'usl-throughput',
      'time-to-consistency',
      'replay-time',
      'storage-per-change',
      'history-latency',
      'history-length',
    ]);
  });

  it('renders each to SVG with Vega', async () => {
    for (const chart of charts) {
      const svg = await renderSvg(chart.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('</svg>');
    }
  });

  it('labels the USL projection as such; draws ψ against cores with interval bars per cost model', async () => {
    const usl = await renderSvg(charts.find((chart) => chart.id === 'usl-throughput')!.spec);
    expect(usl).toContain('projection →');
    expect(usl).toContain('USL projection');
    const spec = charts.find((chart) => chart.id === 'psi-vs-cores')!;
    expect(spec.caption).toMatch(/95 % bootstrap intervals/);
    const psi = await renderSvg(spec.spec);
    expect(psi).toContain('cores of the budget');
    expect(psi).toContain('provisioned budget');
    expect(psi).toContain('CPU on use');
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
      /ONE shared machine with 2 cores.*inside a CPU budget of k × 0.4 cores.*the load generator ran outside it/,
    );
    const unbudgeted = { ...results, budget: { applied: false as const, reason: 'no cgroups' } };
    expect(sharedMachineStatement(unbudgeted)).toMatch(/k adds processes, not hardware/);
  });

  it('opens with the verdict: ψ with its interval under the deciding cost model', () => {
    const verdict = markdown.slice(
      markdown.indexOf('## Verdict'),
      markdown.indexOf('## Productivity per k'),
    );
    expect(verdict).toMatch(/Under the \*\*provisioned budget\*\* cost model/);
    expect(verdict).toMatch(
      /- ES \+ CQRS mixed, k 1 → 2 \(0\.4 → 0\.8 cores\): ψ \d\.\d+ \[\d\.\d+, \d\.\d+\] \(95 % interval, 3 repetitions\), (scalable|not scalable|undecided)/,
    );
    expect(verdict).toContain(
      '| architecture | workload | cost model | k1 → k2 | cores | ψ [interval] | verdict |',
    );
    expect(verdict).toContain('F(ES) / F(CRUD)');
    expect(verdict).toContain(
      '![Scalability ψ vs cores, with 95 % intervals](charts/psi-vs-cores.svg)',
    );
  });

  it('has a table per architecture: k, cores, λ [bracket], p95, and C, F, ψ under two cost models', () => {
    const section = markdown.slice(
      markdown.indexOf('## Productivity per k'),
      markdown.indexOf('## The CPU budget at work'),
    );
    expect(section).toContain('### ES + CQRS');
    expect(section).toContain('### CRUD + audit log');
    expect(section).toContain(
      '| k | cores | n | λ resp/s | brackets | p95 ms | C (provisioned budget) | F (provisioned budget) | ψ (provisioned budget) | C (CPU on use) | F (CPU on use) | ψ (CPU on use) |',
    );
    expect(section).toMatch(
      /\| 2 \| 0\.8 \| 3( \(\d polluted\))? \| [\d.]+ \[[\d.]+, [\d.]+\] \| \[\d+, \d+\) \[\d+, \d+\) \[\d+, \d+\) \|/,
    );
  });

  it('marks failed steps with their reason', () => {
    expect(markdown).toContain(
      'synthetic failure: load generator lost its connection (ECONNRESET) after 4.2 s',
    );
    expect(markdown).toMatch(/## Failures/);
  });

  it('states the formulas, the cost models, the statistics and the price sources', () => {
    expect(markdown).toContain('f = 1/(1 + T/T^)');
    expect(markdown).toContain('ψ(k1,k2) = F(k2)/F(k1)');
    expect(markdown).toContain('Jogalekar & Woodside (2000)');
    expect(markdown).toContain('provisioned: budget cores × vCPU-hour');
    expect(markdown).toContain('95 % percentile bootstrap (1000 resamples, seeded)');
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

  it("sets our ψ per scenario, at equal fractions of λ, beside the thesis's", () => {
    const thesis = syntheticResults({
      config: {
        axis: 'load',
        k: [1, 2],
        loadFractions: { '1': 0.4, '2': 0.8 },
        repetitions: 2,
        metric: { variant: 'thesis' },
        workloads: [
          { name: 'create', operations: { register: 1 }, players: 10 },
          { name: 'read', operations: { 'get-player': 1 }, players: 10 },
        ],
      },
      withFailure: false,
    });
    const text = renderMarkdown(buildReportBlocks(thesis, analyze(thesis), []));
    expect(text).toContain(
      '| scenario | k1 → k2 | ψ CRUD (thesis) | ψ ES (thesis) | the thesis, same kind of test |',
    );
    expect(text).toMatch(
      /\| create \| 1 → 2 \(0\.4 → 0\.8 × λ\) \| [\d.]+ \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.]+\] \| L1 create lecture \(simple\) 200→500/,
    );
    const cell = thesis.cells.find((candidate) => candidate.k === 2)!;
    const chosen = cell.steps[cell.chosenStep!]!;
    expect(chosen.offeredRate).toBe(Math.round(0.8 * cell.search!.low!));
  });

  it('shows the data-volume curves when the run measured them', async () => {
    const withVolume = {
      ...results,
      dataVolume: [10_000, 100_000].map((events) => ({
        events,
        bytesPerEvent: 180,
        fillSeconds: events / 50_000,
        ceilingEventsPerSecond: 90_000,
        rebuilds: [1, 2].map((projectors) => ({
          projectors,
          seconds: events / (12_000 * projectors),
          eventsPerSecond: 12_000 * projectors,
          status: 'dropped',
        })),
      })),
    };
    const charts = buildCharts(withVolume, analyze(withVolume));
    const text = renderMarkdown(buildReportBlocks(withVolume, analyze(withVolume), charts));
    expect(text).toContain('## Data volume: replay against history size');
    expect(text).toContain('| 100,000 | 180 | 90,000 | 8.33 s (12,000/s) | 4.17 s (24,000/s) |');
    const svg = await renderSvg(charts.find((chart) => chart.id === 'data-volume')!.spec);
    expect(svg).toContain('events in the log');
    expect(text).not.toContain('Snapshot restore on vs off');
  });

  it('shows history latency with the load it ran under and p95 by history length', () => {
    const text = renderMarkdown(buildReportBlocks(results, analyze(results), []));
    expect(text).toContain('| p95 by history length (mean events per player) |');
    expect(text).toMatch(
      /\| ES \+ CQRS \| history \| 30 req\/s \| 200 \|.* 40 ev: [\d.]+ ms · 60 ev: [\d.]+ ms · 90 ev: [\d.]+ ms \|/,
    );
  });

  it('shows snapshot restore on vs off next to the data volume', async () => {
    const withRestore = {
      ...results,
      dataVolume: [10_000, 100_000].map((events) => ({
        events,
        bytesPerEvent: 180,
        fillSeconds: 1,
        ceilingEventsPerSecond: 90_000,
        rebuilds: [],
        restore: {
          players: 2000,
          fromEvents: { records: events, seconds: events / 20_000 },
          fromSnapshots: { records: 2000, seconds: 0.25, bytesPerPlayer: 410 },
        },
      })),
    };
    const charts = buildCharts(withRestore, analyze(withRestore));
    const text = renderMarkdown(buildReportBlocks(withRestore, analyze(withRestore), charts));
    expect(text).toContain('### Snapshot restore on vs off');
    expect(text).toContain(
      '| 100,000 | 2,000 | 5.00 s (100,000) | 0.250 s (2,000) | 410 | 20.0× |',
    );
    const svg = await renderSvg(charts.find((chart) => chart.id === 'snapshot-restore')!.spec);
    expect(svg).toContain('restore seconds');
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
