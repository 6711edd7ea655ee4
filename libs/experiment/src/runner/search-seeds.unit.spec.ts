import { ConflictMarkingTarget, OCC_EXHAUSTED_STATUS } from './conflict-target';
import { SearchSeeds } from './search-seeds';

describe('SearchSeeds', () => {
  it('has nothing for the first search of an architecture', () => {
    expect(new SearchSeeds().seedFor('es', 'mixed', 1, 0.4)).toBeUndefined();
  });

  it("starts a repetition at the λ its cell found last, else at another k's λ scaled by the budgets", () => {
    const seeds = new SearchSeeds();
    seeds.record({ arch: 'es', workload: 'mixed', k: 2, cores: 0.8, repetition: 1, rate: 80 });
    expect(seeds.seedFor('es', 'mixed', 1, 0.4)).toEqual({
      rate: 40,
      source: 'λ at k=2 (repetition 1) × 0.4/0.8 cores',
    });
    expect(seeds.seedFor('es', 'mixed', 4, 1.6)).toEqual({
      rate: 160,
      source: 'λ at k=2 (repetition 1) × 1.6/0.8 cores',
    });
    seeds.record({ arch: 'es', workload: 'mixed', k: 1, cores: 0.4, repetition: 1, rate: 37 });
    seeds.record({ arch: 'es', workload: 'mixed', k: 1, cores: 0.4, repetition: 2, rate: 35 });
    expect(seeds.seedFor('es', 'mixed', 1, 0.4)).toEqual({ rate: 35, source: 'λ of repetition 2' });
    expect(seeds.seedFor('crud', 'mixed', 1, 0.4)).toBeUndefined();
    expect(seeds.seedFor('es', 'hot-key', 1, 0.4)).toBeUndefined();
  });

  it('names the pilot as the source of a seed it left', () => {
    const seeds = new SearchSeeds();
    seeds.record({ arch: 'es', workload: 'mixed', k: 2, cores: 0.8, repetition: 0, rate: 30 });
    expect(seeds.seedFor('es', 'mixed', 2, 0.8)).toEqual({ rate: 30, source: 'the pilot' });
    expect(seeds.seedFor('es', 'mixed', 1, 0.4)?.source).toBe(
      'λ at k=2 (the pilot) × 0.4/0.8 cores',
    );
  });

  it('keeps the rate on the load axis, where every k has the same cores', () => {
    const seeds = new SearchSeeds();
    seeds.record({ arch: 'crud', workload: 'w', k: 1, cores: 0.4, repetition: 1, rate: 50 });
    expect(seeds.seedFor('crud', 'w', 2, 0.4)?.rate).toBe(50);
  });
});

describe('ConflictMarkingTarget', () => {
  const answering = (status: number, body: string) => ({
    post: async () => ({ status, body }),
    get: async () => ({ status, body }),
  });

  it('marks a 409 PLAYER.VERSION_CONFLICT as OCC exhaustion, an error', async () => {
    const target = new ConflictMarkingTarget(
      answering(409, '{"code":"PLAYER.VERSION_CONFLICT","status":409}'),
    );
    expect((await target.post('/players/x/move', {})).status).toBe(OCC_EXHAUSTED_STATUS);
    expect(OCC_EXHAUSTED_STATUS).toBeGreaterThanOrEqual(500);
  });

  it('leaves domain rejections and reads alone', async () => {
    const target = new ConflictMarkingTarget(
      answering(409, '{"code":"PLAYER.INVENTORY_FULL","status":409}'),
    );
    expect((await target.post('/players/x/pick-up', {})).status).toBe(409);
    expect(
      (await new ConflictMarkingTarget(answering(409, 'PLAYER.VERSION_CONFLICT')).get('/x')).status,
    ).toBe(409);
  });
});
