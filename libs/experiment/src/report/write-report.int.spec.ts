import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readResults } from '../results/results-file';
import { syntheticResults } from '../testing/synthetic-results';
import { writeComparison } from './compare';
import { createReportDir, rerenderReport, writeReport } from './write-report';

describe('writeReport / qf report / qf compare (on SYNTHETIC results)', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-reports-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes results.json, charts, report.md and report.html, and points latest at the run', async () => {
    const dir = createReportDir(root, new Date('2025-01-01T12:00:00Z'));
    expect(path.basename(dir)).toBe('2025-01-01T12-00-00Z');
    const written = await writeReport(dir, syntheticResults());
    expect(written.chartErrors).toEqual([]);
    for (const file of [
      'results.json',
      'report.md',
      'report.html',
      'charts/psi-vs-cores.svg',
      'charts/machine-cpu.svg',
      'charts/usl-throughput.svg',
    ]) {
      expect(fs.existsSync(path.join(dir, file))).toBe(true);
    }
    expect(fs.readlinkSync(path.join(root, 'latest'))).toBe(path.basename(dir));
    const html = fs.readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('SYNTHETIC DATA');
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain(
      '![Scalability ψ vs cores, with 95 % intervals](charts/psi-vs-cores.svg)',
    );
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as {
      analysis?: unknown;
      tools: Record<string, string>;
    };
    expect(stored.analysis).toBeDefined();
    expect(stored.tools['vega']).toMatch(/^5\./);
  });

  it('re-renders a report from results.json alone, leaving results.json untouched', async () => {
    const dir = createReportDir(root);
    await writeReport(dir, syntheticResults(), { updateLatest: false });
    const before = fs.readFileSync(path.join(dir, 'results.json'), 'utf8');
    fs.rmSync(path.join(dir, 'report.md'));
    fs.rmSync(path.join(dir, 'charts'), { recursive: true });
    await rerenderReport(dir);
    expect(fs.existsSync(path.join(dir, 'report.md'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'charts/cost-breakdown.svg'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')).toBe(before);
  });

  it('names the file and the field when results.json is missing or invalid', async () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    await expect(rerenderReport(empty)).rejects.toThrow(/empty\/results\.json: no such file/);

    const dir = createReportDir(root);
    await writeReport(dir, syntheticResults(), { updateLatest: false });
    const file = path.join(dir, 'results.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    stored.cells[0].steps[0].throughput = 'fast';
    stored.config.k = [1, 'two'];
    fs.writeFileSync(file, JSON.stringify(stored));
    expect(() => readResults(dir)).toThrow(
      /results\.json: cells\[0\]\.steps\[0\]\.throughput: Expected number, received string, got "fast"/,
    );
    stored.cells[0].steps[0].throughput = 1;
    fs.writeFileSync(file, JSON.stringify(stored));
    expect(() => readResults(dir)).toThrow(
      /results\.json: config\.k\[1\]: expected a whole number >= 1, got "two"/,
    );
    fs.writeFileSync(file, '{ not json');
    expect(() => readResults(dir)).toThrow(/results\.json: not valid JSON/);
  });

  it('reads a version-1 results.json (one run per cell, no budget) and re-renders it', async () => {
    const dir = createReportDir(root);
    await writeReport(dir, syntheticResults(), { updateLatest: false });
    const file = path.join(dir, 'results.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    stored.schemaVersion = 1;
    stored.config.search = {
      startRate: 50,
      maxRate: 1600,
      growthFactor: 2,
      bisectionSteps: 2,
      maxSteps: 6,
    };
    delete stored.budget;
    for (const cell of stored.cells) {
      delete cell.repetition;
      delete cell.position;
      delete cell.budgetCores;
    }
    fs.writeFileSync(file, JSON.stringify(stored));
    const { results } = readResults(dir);
    expect(results.schemaVersion).toBe(2);
    expect(results.cells.every((cell) => cell.repetition === 1)).toBe(true);
    await rerenderReport(dir);
    expect(fs.readFileSync(path.join(dir, 'report.md'), 'utf8')).toContain(
      'k adds processes, not hardware',
    );
  });

  it('compares two runs side by side', async () => {
    const a = path.join(root, 'run-a');
    const b = path.join(root, 'run-b');
    await writeReport(a, syntheticResults({ seed: 1 }), { updateLatest: false });
    await writeReport(
      b,
      syntheticResults({ seed: 2, capacity: { es: { lambda1: 220, sigma: 0.1, kappa: 0.01 } } }),
      { updateLatest: false },
    );
    const out = path.join(root, 'compare');
    const { markdown } = await writeComparison(a, b, out);
    expect(markdown).toContain('# Quest Fleet: run-a vs run-b');
    expect(markdown).toContain(
      '| architecture | workload | cost model | k1 → k2 | ψ run-a | ψ run-b | verdicts | overlap |',
    );
    expect(markdown).toContain('Run run-a is SYNTHETIC data');
    expect(fs.existsSync(path.join(out, 'compare.html'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'charts/compare-psi.svg'))).toBe(true);
  });
});
