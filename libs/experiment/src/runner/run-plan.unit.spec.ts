import { syntheticConfig } from '../testing/synthetic-results';
import { cellNamespace, maxStepsPerCell, planCells, runTag } from './run-plan';

const mix = (name: string) => ({ name, operations: { move: 1, 'get-player': 1 }, players: 10 });

describe('planCells', () => {
  it('runs every architecture at every k and workload, in that order, each on its own topics and database', () => {
    const config = syntheticConfig({
      architectures: ['es', 'crud'],
      k: [1, 2],
      workloads: [mix('mixed'), mix('hot-key')],
    });
    const cells = planCells(config, 'abc');
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

  it('marks the last cell of each architecture as its end state', () => {
    const config = syntheticConfig({ architectures: ['es', 'crud'], k: [1, 2] });
    const ends = planCells(config, 't').filter((cell) => cell.endStateOfArch);
    expect(ends.map((cell) => [cell.arch, cell.k])).toEqual([
      ['es', 2],
      ['crud', 2],
    ]);
  });

  it('gives k replicas of each scalable service on the resources axis', () => {
    const config = syntheticConfig({ architectures: ['crud'], k: [1, 2, 4] });
    expect(planCells(config, 't').map((cell) => cell.replicas)).toEqual([
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
    });
    const cells = planCells(config, 't');
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
