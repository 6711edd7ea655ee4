import { syntheticConfig } from '../testing/synthetic-results';
import { cellNamespace, maxStepsPerCell, planCells, runTag } from './run-plan';

const mix = (name: string) => ({ name, operations: { move: 1, 'get-player': 1 }, players: 10 });

describe('planCells', () => {
  it('runs every architecture at every k and workload, each on its own topics and database', () => {
    const config = syntheticConfig({
      architectures: ['es', 'crud'],
      k: [1, 2],
      workloads: [mix('mixed'), mix('hot-key')],
      repetitions: 1,
      order: 'sequential',
    });
    const cells = planCells(config, 'abc', 1);
    expect(cells.map((cell) => `${cell.arch} k${cell.k} ${cell.workload.name}`)).toEqual([
      'es k1 mixed',
      'es k1 hot-key',
      'es k2 mixed',
      'es k2 hot-key',
      'crud k1 mixed',
      'crud k1 hot-key',
      'crud k2 mixed',
      'crud k2 hot-key',
    ]);
    expect(cells.map((cell) => cell.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(cells.map((cell) => cell.topicPrefix)).size).toBe(8);
    expect(new Set(cells.map((cell) => cell.database)).size).toBe(8);
  });

  it('repeats every cell in rounds: each once before any twice, each on fresh names', () => {
    const config = syntheticConfig({ architectures: ['es', 'crud'], k: [1, 2], repetitions: 3 });
    const cells = planCells(config, 't', 99);
    expect(cells).toHaveLength(12);
    for (const round of [0, 1, 2]) {
      const part = cells.slice(round * 4, round * 4 + 4);
      expect(part.every((cell) => cell.repetition === round + 1)).toBe(true);
      expect(new Set(part.map((cell) => `${cell.arch}${cell.k}`)).size).toBe(4);
    }
    expect(new Set(cells.map((cell) => cell.database)).size).toBe(12);
  });

  it('shuffles each round from the seed: the same seed, the same order; another seed, another', () => {
    const config = syntheticConfig({ architectures: ['es', 'crud'], k: [1, 2], repetitions: 4 });
    const order = (seed: number) =>
      planCells(config, 't', seed)
        .map((cell) => `${cell.arch}${cell.k}`)
        .join(' ');
    expect(order(5)).toBe(order(5));
    expect(new Set([1, 2, 3, 4, 5, 6].map(order)).size).toBeGreaterThan(1);
  });

  it('keeps cells of one JVM processor count together within a round', () => {
    // unit 0.4: k = 1, 2 -> 1 processor, k = 4 -> 2 processors
    const config = syntheticConfig({ architectures: ['es', 'crud'], k: [1, 2, 4], repetitions: 2 });
    const cells = planCells(config, 't', 11);
    for (const round of [0, 1]) {
      const processors = cells.slice(round * 6, round * 6 + 6).map((cell) => cell.jvmProcessors);
      const switches = processors.filter(
        (value, index) => index > 0 && value !== processors[index - 1],
      ).length;
      expect(switches).toBe(1);
    }
    expect(cells.find((cell) => cell.k === 4)?.budgetCores).toBe(1.6);
  });

  it('marks the last cell of each architecture as its end state', () => {
    const config = syntheticConfig({ architectures: ['es', 'crud'], k: [1, 2], repetitions: 2 });
    const cells = planCells(config, 't', 3);
    const ends = cells.filter((cell) => cell.endStateOfArch);
    expect(ends.map((cell) => cell.arch).sort()).toEqual(['crud', 'es']);
    for (const end of ends)
      expect(cells.slice(end.index + 1).some((cell) => cell.arch === end.arch)).toBe(false);
  });

  it('gives k replicas of each scalable service on the resources axis', () => {
    const config = syntheticConfig({ architectures: ['crud'], k: [1, 2, 4], repetitions: 1 });
    expect(
      planCells(config, 't', 1)
        .map((cell) => cell.replicas)
        .sort((a, b) => (a['crud-service'] ?? 0) - (b['crud-service'] ?? 0)),
    ).toEqual([
      { 'crud-service': 1, 'outbox-relay': 1, 'audit-consumer': 1 },
      { 'crud-service': 2, 'outbox-relay': 2, 'audit-consumer': 2 },
      { 'crud-service': 4, 'outbox-relay': 4, 'audit-consumer': 4 },
    ]);
    expect(maxStepsPerCell(config)).toBe(config.search.maxSteps);
  });

  it('holds replicas at one and fixes the offered rate per k on the load axis', () => {
    const config = syntheticConfig({
      architectures: ['es'],
      axis: 'load',
      k: [1, 2],
      offeredRates: { '1': 500, '2': 1000 },
      search: undefined,
      repetitions: 1,
      order: 'sequential',
    });
    const cells = planCells(config, 't', 1);
    expect(cells.map((cell) => cell.offeredRate)).toEqual([500, 1000]);
    expect(cells.every((cell) => Object.values(cell.replicas).every((count) => count === 1))).toBe(
      true,
    );
    expect(maxStepsPerCell(config)).toBe(1);
  });
});

describe('cellNamespace', () => {
  it('makes topic prefixes Kafka accepts and database names Mongo accepts', () => {
    const names = cellNamespace(runTag(new Date('2026-01-02T03:04:05Z')), 'crud', 4, 'hot-key');
    expect(names.topicPrefix).toMatch(/^[a-zA-Z0-9._-]+\.$/);
    expect(names.database).toMatch(/^[a-zA-Z0-9_]{1,63}$/);
    expect(names.database).toContain('crud_k4_hot_key');
  });

  it('keeps database names under 64 characters for long workload names', () => {
    expect(cellNamespace('tag', 'es', 12, 'x'.repeat(80)).database.length).toBeLessThanOrEqual(63);
  });
});
