import { syntheticConfig } from '../testing/synthetic-results';
import { ExperimentRefused, fleetIdentityEnv, preflight } from './run-setup';

const supported = () => ({
  ok: true as const,
  version: 1 as const,
  cpuParent: '/c',
  cpuacctParent: '/a',
  describe: 'test',
});
const unsupported = () => ({ ok: false as const, reason: 'cgroups are read-only here' });

describe('preflight', () => {
  it('accepts the resources axis when a budget can be set and the machine has the cores', () => {
    expect(
      preflight(syntheticConfig({ k: [1, 2] }), 'experiments/x.yaml', 2, supported, {}).ok,
    ).toBe(true);
  });

  it('refuses the resources axis without budgets, saying why and what to do', () => {
    expect(() =>
      preflight(syntheticConfig({ k: [1, 2] }), 'experiments/x.yaml', 2, unsupported, {}),
    ).toThrow(ExperimentRefused);
    expect(() =>
      preflight(syntheticConfig({ k: [1, 2] }), 'experiments/x.yaml', 2, unsupported, {}),
    ).toThrow(
      /experiments\/x\.yaml: the resources axis .* no budget can be set here: cgroups are read-only here\. .*axis: load/,
    );
  });

  it('runs the load axis without budgets', () => {
    const config = syntheticConfig({
      axis: 'load',
      k: [1, 2],
      offeredRates: { '1': 50, '2': 100 },
      search: undefined,
    });
    expect(preflight(config, 'experiments/x.yaml', 2, unsupported, {}).ok).toBe(false);
  });

  it('refuses a largest budget the machine cannot give next to the load generator', () => {
    expect(() =>
      preflight(syntheticConfig({ k: [1, 2, 4] }), 'experiments/x.yaml', 1, supported, {}),
    ).toThrow(/needs 2 cores, and this machine has 1/);
  });

  it('refuses external infrastructure: the budget must hold all of the system', () => {
    expect(() =>
      preflight(syntheticConfig({ k: [1] }), 'experiments/x.yaml', 2, supported, {
        KAFKA_BROKERS: 'kafka:9092',
      }),
    ).toThrow(/KAFKA_BROKERS is set/);
  });
});

describe('preflight of a remote fleet', () => {
  it("needs no budget here and accepts the fleet's own Kafka address", () => {
    const config = syntheticConfig({
      k: [1, 2],
      fleet: {
        mode: 'remote',
        es: { commands: ['http://gw:3000'], reads: ['http://query:3001'] },
        crud: { commands: ['http://crud:3100'], reads: ['http://crud:3100'] },
        scaleCommand: 'kubectl scale deploy -l qf-arch={arch} --replicas={replicas}',
      },
    });
    expect(
      preflight(config, 'experiments/k8s.yaml', 2, unsupported, { KAFKA_BROKERS: 'kafka:9092' }).ok,
    ).toBe(false);
  });
});

describe('fleetIdentityEnv', () => {
  it('gives the experiment its own fleet unless one is named', () => {
    expect(fleetIdentityEnv({})).toEqual({
      QF_FLEET_ID: 'experiment',
      QF_FLEET_PORT_OFFSET: '7000',
    });
    expect(fleetIdentityEnv({ QF_FLEET_ID: 'exp' })).toEqual({});
  });
});
