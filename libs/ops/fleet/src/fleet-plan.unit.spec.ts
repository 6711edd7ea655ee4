import {
  desiredScale,
  diffReplicas,
  FleetPlanError,
  parseScale,
  planReplicas,
  resolveServiceName,
} from './fleet-plan';
import { fleetIdentity } from './fleet-identity';

describe('parseScale', () => {
  it('reads NAME=COUNT lists with short names', () => {
    expect(parseScale('processor=2, projector=3,relay=0')).toEqual({
      'command-processor': 2,
      projector: 3,
      'outbox-relay': 0,
    });
  });

  it.each([
    ['projector', 'is not NAME=COUNT'],
    ['projector=-1', 'is not NAME=COUNT'],
    ['projector=13', 'at most 12'],
    ['warpdrive=2', 'unknown service "warpdrive"'],
  ])('refuses %s naming the flag', (text, message) => {
    expect(() => parseScale(text)).toThrow(FleetPlanError);
    expect(() => parseScale(text)).toThrow(message);
  });
});

describe('desiredScale', () => {
  it('starts one replica of each service of the architecture by default', () => {
    expect(desiredScale('es')).toEqual({
      'command-gateway': 1,
      'command-processor': 1,
      projector: 1,
      'query-service': 1,
    });
    expect(Object.keys(desiredScale('both'))).toHaveLength(7);
  });

  it('refuses to scale a service of the other architecture', () => {
    expect(() => desiredScale('crud', { projector: 2 })).toThrow(
      'projector is not part of --arch crud',
    );
  });
});

describe('planReplicas', () => {
  it('gives every replica its own HTTP and gRPC port', () => {
    const plans = planReplicas({ 'command-gateway': 2, projector: 3 });
    expect(plans.map((p) => [p.name, p.httpPort, p.grpcPort])).toEqual([
      ['qf-command-gateway-1', 3000, 50051],
      ['qf-command-gateway-2', 3200, 50251],
      ['qf-projector-1', 3020, undefined],
      ['qf-projector-2', 3220, undefined],
      ['qf-projector-3', 3420, undefined],
    ]);
  });

  it('never hands two replicas of the whole fleet the same port', () => {
    const plans = planReplicas(
      Object.fromEntries(Object.keys(desiredScale('both')).map((name) => [name, 4])),
    );
    const ports = plans.flatMap((p) => [p.httpPort, ...(p.grpcPort ? [p.grpcPort] : [])]);
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe('diffReplicas', () => {
  it('starts the missing replicas and stops the ones beyond the new count', () => {
    const { start, stop } = diffReplicas(
      ['qf-projector-1', 'qf-projector-2', 'qf-projector-3'],
      planReplicas({ projector: 1, 'command-processor': 2 }),
    );
    expect(start.map((p) => p.name)).toEqual(['qf-command-processor-1', 'qf-command-processor-2']);
    expect(stop).toEqual(['qf-projector-2', 'qf-projector-3']);
  });
});

describe('resolveServiceName', () => {
  it('accepts catalog names and aliases', () => {
    expect(resolveServiceName('gateway')).toBe('command-gateway');
    expect(resolveServiceName('audit-consumer')).toBe('audit-consumer');
  });
});

describe('fleetIdentity: a named fleet beside the default one', () => {
  it('is the default fleet when QF_FLEET_ID is unset', () => {
    expect(fleetIdentity({})).toEqual({
      id: '',
      namespace: 'quest-fleet',
      processPrefix: 'qf-',
      portOffset: 0,
    });
  });

  it('gives a named fleet its own namespace, process prefix and port offset', () => {
    expect(fleetIdentity({ QF_FLEET_ID: 'exp1', QF_FLEET_PORT_OFFSET: '10000' })).toEqual({
      id: 'exp1',
      namespace: 'quest-fleet-exp1',
      processPrefix: 'qfexp1-',
      portOffset: 10000,
    });
  });

  it.each([
    [{ QF_FLEET_ID: 'Bad Id' }, /QF_FLEET_ID/],
    [{ QF_FLEET_PORT_OFFSET: '-5' }, /QF_FLEET_PORT_OFFSET/],
    [{ QF_FLEET_PORT_OFFSET: 'ten' }, /QF_FLEET_PORT_OFFSET/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => fleetIdentity(env)).toThrow(message);
  });

  it('shifts every port of a plan by the offset', () => {
    const [gateway] = planReplicas({ 'command-gateway': 1 }, 10000);
    expect(gateway).toMatchObject({ httpPort: 13000, grpcPort: 60051 });
  });
});
