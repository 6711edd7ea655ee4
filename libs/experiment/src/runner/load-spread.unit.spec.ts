import type { RequestTarget, TargetResponse } from '@qf/loadgen';
import { frontUrls, RoundRobinTarget } from './load-spread';

/** A target that answers with its own name, so the test sees where each request went. */
const fake = (name: string): RequestTarget & { calls: string[] } => {
  const calls: string[] = [];
  const answer = async (call: string): Promise<TargetResponse> => {
    calls.push(call);
    return { status: 200, body: name };
  };
  return {
    calls,
    post: (path) => answer(`POST ${path}`),
    get: (path) => answer(`GET ${path}`),
  };
};

describe('RoundRobinTarget', () => {
  it('sends each replica every k-th request, reads and writes alike', async () => {
    const replicas = [fake('a'), fake('b'), fake('c')];
    const target = new RoundRobinTarget(replicas);
    const answered: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      const response =
        i % 2 === 0 ? await target.post('/players', {}) : await target.get('/players/x');
      answered.push(response.body);
    }
    expect(answered).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a']);
    expect(replicas.map((replica) => replica.calls.length)).toEqual([3, 2, 2]);
  });

  it('with one replica is a plain pass-through', async () => {
    const only = fake('only');
    const target = new RoundRobinTarget([only]);
    await target.get('/leaderboard');
    await target.post('/players/p/move', { toRoom: 'r' });
    expect(only.calls).toEqual(['GET /leaderboard', 'POST /players/p/move']);
  });

  it('needs at least one target', () => {
    expect(() => new RoundRobinTarget([])).toThrow(/at least one/);
  });
});

describe('frontUrls', () => {
  const replicas = [
    { service: 'command-gateway', httpPort: 3000 },
    { service: 'command-gateway', httpPort: 3200 },
    { service: 'command-processor', httpPort: 3010 },
    { service: 'query-service', httpPort: 3001 },
    { service: 'query-service', httpPort: 3201 },
    { service: 'projector', httpPort: 3020 },
  ];

  it('sends ES commands to every gateway and queries to every query service', () => {
    expect(frontUrls('es', replicas)).toEqual({
      commands: ['http://127.0.0.1:3000', 'http://127.0.0.1:3200'],
      reads: ['http://127.0.0.1:3001', 'http://127.0.0.1:3201'],
    });
  });

  it('sends both to the CRUD service replicas on the CRUD side', () => {
    const crud = [
      { service: 'crud-service', httpPort: 3100 },
      { service: 'crud-service', httpPort: 3300 },
      { service: 'outbox-relay', httpPort: 3110 },
    ];
    expect(frontUrls('crud', crud)).toEqual({
      commands: ['http://127.0.0.1:3100', 'http://127.0.0.1:3300'],
      reads: ['http://127.0.0.1:3100', 'http://127.0.0.1:3300'],
    });
  });

  it('names the missing front', () => {
    expect(() => frontUrls('es', replicas.slice(0, 3))).toThrow(/no query-service replica/);
  });
});
