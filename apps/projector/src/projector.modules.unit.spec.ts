import { loadedModules, loadedPackages } from '@qf/shared-testing';

describe('projector module graph', () => {
  const modules = loadedModules('apps/projector/src/main.ts', { importsOnly: true });

  it('loads the projector (the probe saw the service)', () => {
    expect(modules).toContain('libs/player/read-model/src/consumer/projector.consumer.ts');
  });

  it('loads nothing of the command/query API: its HTTP server is the shared one, for /health and /metrics', () => {
    expect(modules.filter((file) => file.startsWith('libs/player/api/'))).toEqual([]);
    expect(loadedPackages(modules).has('@nestjs/cqrs')).toBe(false);
  });
});
