import type { RequestTarget, TargetResponse } from './http-target';
import { seededRandom } from './sampling';
import { ScenarioDriver } from './scenario';

/** Records every request and answers 201 to registrations, 200 to the rest. */
const recorder = (): RequestTarget & { readonly paths: string[] } => {
  const paths: string[] = [];
  const answer = async (line: string, status: number): Promise<TargetResponse> => {
    paths.push(line);
    return { status, body: '{}' };
  };
  return {
    paths,
    post: (path) => answer(`POST ${path}`, path === '/players' ? 201 : 200),
    get: (path) => answer(`GET ${path}`, 200),
  };
};

describe('ScenarioDriver', () => {
  it('asks state-at for a past instant after the pool was registered, through any RequestTarget', async () => {
    const commands = recorder();
    const reads = recorder();
    const driver = new ScenarioDriver(
      {
        name: 't',
        players: 3,
        mix: { 'state-at': 1 },
        distribution: { kind: 'uniform' },
        rooms: 2,
        items: 2,
      },
      commands,
      reads,
      seededRandom(1),
    );
    const before = Date.now();
    await driver.registerPlayers(2);
    expect(commands.paths).toEqual(['POST /players', 'POST /players', 'POST /players']);
    const operation = driver.next();
    expect(operation.label).toBe('state-at');
    expect(await operation.run()).toBe(200);
    const match = /^GET \/players\/([^/]+)\/state\?at=(.+)$/.exec(reads.paths[0] ?? '');
    expect(driver.players).toContain(match?.[1]);
    const at = Date.parse(match?.[2] ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });
});
