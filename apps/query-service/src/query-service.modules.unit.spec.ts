import { loadedModules, loadedPackages } from '@qf/shared-testing';

describe('query-service module graph', () => {
  const modules = loadedModules('apps/query-service/src/query-service.ts');

  it('loads its query handlers (the probe saw the service)', () => {
    expect(modules).toContain('apps/query-service/src/queries/get-player.handler.ts');
  });

  it('loads no Kafka code: a read-only service reads Mongo and Redis only', () => {
    expect(loadedPackages(modules).has('kafkajs')).toBe(false);
    expect(
      modules.filter((file) => file.startsWith('libs/player/read-model/src/consumer/')),
    ).toEqual([]);
    expect(modules.filter((file) => file.startsWith('libs/shared/kafka/'))).toEqual([]);
  });
});
