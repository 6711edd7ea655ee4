import fs from 'node:fs';
import path from 'node:path';
import { loadExperimentConfig, parseExperimentConfig } from './load-experiment-config';
import { loadPriceBook } from './price-file';
import { estimateRunSeconds } from './run-budget';
import { ConfigFileError } from './yaml-file';

const root = path.resolve(__dirname, '../../../..');
const experimentsDir = path.join(root, 'experiments');

const minimal = (extra = '') => `
name: t
architectures: [es, crud]
axis: resources
k: [1, 2]
workloads:
  - name: mixed
    operations: { move: 1, get-player: 1 }
${extra}`;

const problemsOf = (source: string, file = 'experiments/test.yaml'): string[] => {
  try {
    parseExperimentConfig(source, file);
  } catch (error) {
    if (error instanceof ConfigFileError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the config to be rejected');
};

describe('shipped experiment configs', () => {
  const files = fs
    .readdirSync(experimentsDir)
    .filter((file) => file.endsWith('.yaml') && file !== 'prices.yaml');

  it.each(files)('%s is valid and its price file exists', (file) => {
    const config = loadExperimentConfig(path.join(experimentsDir, file));
    expect(config.name).toBe(file.replace(/\.yaml$/, ''));
    expect(fs.existsSync(config.pricesPath)).toBe(true);
    expect(() => loadPriceBook(config.pricesPath)).not.toThrow();
  });

  it('ships quick, full, es-only and the thesis load-axis config', () => {
    expect(files).toEqual(
      expect.arrayContaining(['quick.yaml', 'full.yaml', 'es-only.yaml', 'thesis-load-axis.yaml']),
    );
  });

  it('quick runs both architectures at k = 1, 2 on the resources axis, twice each, within 15 minutes', () => {
    const quick = loadExperimentConfig(path.join(experimentsDir, 'quick.yaml'));
    expect(quick.architectures).toEqual(['es', 'crud']);
    expect(quick.k).toEqual([1, 2]);
    expect(quick.axis).toBe('resources');
    expect(quick.repetitions).toBe(2);
    expect(quick.scale.map((point) => point.budgetCores)).toEqual([0.4, 0.8]);
    expect(estimateRunSeconds(quick)).toBeLessThanOrEqual(15 * 60);
  });

  it("the thesis config offers equal fractions of each side's λ at a fixed system with the thesis variant", () => {
    const thesis = loadExperimentConfig(path.join(experimentsDir, 'thesis-load-axis.yaml'));
    expect(thesis.axis).toBe('load');
    expect(thesis.metric.variant).toBe('thesis');
    expect(thesis.scale.map((point) => point.loadFraction)).toEqual([0.4, 0.8]);
    expect(thesis.scale.map((point) => point.budgetCores)).toEqual([1.2, 1.2]);
    expect(thesis.workloads.map((workload) => workload.name)).toEqual(['create', 'update', 'read']);
    expect(
      thesis.scale.every((point) =>
        Object.values(point.replicas.es).every((replicas) => replicas === 1),
      ),
    ).toBe(true);
  });
});

describe('parseExperimentConfig', () => {
  it('fills in defaults and derives replicas per k from the scalable services', () => {
    const config = parseExperimentConfig(minimal(), 'experiments/t.yaml');
    expect(config.slo).toEqual({ latencyMs: 100, percentile: 95, maxErrorRatio: 0.01 });
    expect(config.psiThreshold).toBe(0.8);
    expect(config.metric.variant).toBe('jogalekar-woodside');
    expect(config.scale[1]?.replicas.es).toEqual({
      'command-gateway': 2,
      'command-processor': 2,
      projector: 2,
      'query-service': 2,
    });
    expect(config.scale[1]?.replicas.crud).toEqual({
      'crud-service': 2,
      'outbox-relay': 2,
      'audit-consumer': 2,
    });
    expect(config.pricesPath).toBe(path.resolve('config/prices.yaml'));
    expect(config.workloads[0]?.keys).toEqual({ distribution: 'uniform' });
  });

  it('applies per-k replica overrides', () => {
    const config = parseExperimentConfig(
      minimal('replicas:\n  2: { projector: 1 }\n'),
      'experiments/t.yaml',
    );
    expect(config.scale[1]?.replicas.es['projector']).toBe(1);
    expect(config.scale[1]?.replicas.es['command-processor']).toBe(2);
  });

  it('derives load-axis rates from baseRate', () => {
    const source = minimal('baseRate: 500\n').replace('axis: resources', 'axis: load');
    expect(parseExperimentConfig(source, 'x.yaml').scale.map((point) => point.offeredRate)).toEqual(
      [500, 1000],
    );
  });

  it('names the file, the field, what is allowed and what it got', () => {
    expect(() =>
      parseExperimentConfig(
        minimal().replace('k: [1, 2]', 'k: [1, "two"]'),
        'experiments/quick.yaml',
      ),
    ).toThrow('experiments/quick.yaml: k[1]: expected a whole number >= 1, got "two" (line 5)');
  });

  it('lists every problem, one line each', () => {
    const problems = problemsOf(
      minimal()
        .replace('[es, crud]', '[es, mongo]')
        .replace(
          'operations: { move: 1, get-player: 1 }',
          'operations: { move: 1, fly: 2 }\n    keys: { distribution: zipf }\n    playerz: 3',
        )
        .concat('psiThreshold: high\n'),
    );
    expect(problems).toEqual([
      'architectures[1]: expected one of es, crud, got "mongo" (line 3)',
      expect.stringMatching(
        /^workloads\[0\]\.operations\.fly: unknown name "fly"; expected one of register, move, .*state-at \(line 8\)$/,
      ),
      'workloads[0].keys.exponent: required: a Zipf exponent > 0 (e.g. 1.0), got nothing (line 9)',
      'workloads[0].playerz: unknown field; allowed here: name, operations, keys, players (line 10)',
      'psiThreshold: expected a number > 0 (0.8 by default), got "high" (line 11)',
    ]);
  });

  it.each([
    ['k: [2, 1]', 'k: expected strictly increasing values'],
    ['axis: sideways', 'axis: expected one of resources, load, got "sideways"'],
    [
      'k: [1, 16]',
      'partitions: expected at least 16 (the largest replica count), so every consumer replica owns a partition',
    ],
  ])('rejects %s', (line, problem) => {
    const key = line.split(':')[0]!;
    const source = minimal().replace(new RegExp(`^${key}:.*$`, 'm'), line);
    expect(problemsOf(source).join('\n')).toContain(problem);
  });

  it('requires a rate per k on the load axis and forbids rates on the resources axis', () => {
    expect(problemsOf(minimal().replace('axis: resources', 'axis: load')).join('\n')).toContain(
      'offeredRates: the load axis needs offeredRates (k -> requests/s), baseRate or loadFractions (k -> share of λ)',
    );
    expect(
      problemsOf(
        minimal().replace('axis: resources', 'axis: load').concat('offeredRates: { 1: 500 }\n'),
      ).join('\n'),
    ).toContain('offeredRates: expected a rate for k = 2 (one per k on the load axis)');
    expect(problemsOf(minimal('baseRate: 100\n')).join('\n')).toContain(
      'baseRate: only allowed with axis: load',
    );
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('name: x\n  k: [1\n')[0]).toMatch(/^line 1, column \d+: not valid YAML: /);
  });

  it('names a missing file', () => {
    expect(() => loadExperimentConfig(path.join(experimentsDir, 'does-not-exist.yaml'))).toThrow(
      /experiments\/does-not-exist\.yaml: no such file$/,
    );
  });
});

describe('config/prices.yaml', () => {
  it('cites a source for every price', () => {
    const prices = loadPriceBook(path.join(root, 'config/prices.yaml'));
    for (const item of [
      'vcpuHour',
      'memoryGiBHour',
      'storageGiBMonth',
      'eventStoreGiBMonth',
      'opsInstanceHour',
    ]) {
      expect(prices.sources.some((source) => source.item === item)).toBe(true);
    }
    expect(prices.eventStoreGiBMonth).not.toBe(prices.storageGiBMonth);
  });
});

describe('infrastructure warm-up before the first cell', () => {
  it('is off unless asked for, and counts in the run budget when it is', () => {
    const off = parseExperimentConfig(minimal(), 'experiments/test.yaml');
    expect(off.durations.infraWarmupSeconds).toBe(0);
    const on = parseExperimentConfig(
      minimal('durations: { infraWarmupSeconds: 45 }'),
      'experiments/test.yaml',
    );
    expect(estimateRunSeconds(on) - estimateRunSeconds(off)).toBe(45);
  });

  it('refuses a negative warm-up, naming the field', () => {
    expect(problemsOf(minimal('durations: { infraWarmupSeconds: -1 }')).join('\n')).toMatch(
      /infraWarmupSeconds/,
    );
  });
});
