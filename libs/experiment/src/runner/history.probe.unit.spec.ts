import { historyProbeSeconds, lengthGroups } from './history.probe';

describe('history probes: players grouped by history length', () => {
  it('splits the probed players into three groups of nearly equal size, shortest histories first', () => {
    const versions = new Map(
      [5, 90, 12, 40, 7, 61, 33].map((version, index) => [`p${index}`, version] as const),
    );
    const groups = lengthGroups(versions);
    expect(groups.map((group) => group.events)).toEqual([
      [5, 7],
      [12, 33],
      [40, 61, 90],
    ]);
    expect(groups[0]?.players).toEqual(['p0', 'p4']);
    expect(groups.flatMap((group) => group.players).sort()).toEqual([...versions.keys()].sort());
  });

  it('makes no more groups than players, and none of none', () => {
    expect(
      lengthGroups(
        new Map([
          ['a', 3],
          ['b', 1],
        ]),
      ),
    ).toEqual([
      { players: ['b'], events: [1] },
      { players: ['a'], events: [3] },
    ]);
    expect(lengthGroups(new Map())).toEqual([]);
  });

  it('offers each of the three queries probes / rate seconds', () => {
    expect(historyProbeSeconds(50)).toBeCloseTo(3.75);
    expect(historyProbeSeconds(20, 10)).toBe(6);
  });
});
