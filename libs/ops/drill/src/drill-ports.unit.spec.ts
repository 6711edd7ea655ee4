import { DRILL_PORT_RANGE, findDrillPorts, findFreeFleetOffset } from './drill-ports';

describe('findDrillPorts', () => {
  it('gives two ports per Kafka node, then Mongo and Redis, in one free block of the range', async () => {
    const checked: number[] = [];
    const ports = await findDrillPorts(3, {
      random: () => 0.5,
      isFree: async (port) => {
        checked.push(port);
        return true;
      },
    });
    expect(ports.mongo).toBe(ports.kafka + 6);
    expect(ports.redis).toBe(ports.kafka + 7);
    expect(checked).toEqual(Array.from({ length: 8 }, (_, i) => ports.kafka + i));
    expect(ports.kafka).toBeGreaterThanOrEqual(DRILL_PORT_RANGE.from);
    expect(ports.redis).toBeLessThan(DRILL_PORT_RANGE.to);
  });

  it('moves on to another block when a port of the first is taken', async () => {
    const randoms = [0.1, 0.9];
    const taken = new Set<number>();
    const first = await findDrillPorts(1, { random: () => 0.1, isFree: async () => true });
    taken.add(first.kafka + 1);
    const ports = await findDrillPorts(1, {
      random: () => randoms.shift() ?? 0.5,
      isFree: async (port) => !taken.has(port),
    });
    expect(ports.kafka).not.toBe(first.kafka);
  });

  it('says so when no block is free', async () => {
    await expect(findDrillPorts(1, { isFree: async () => false })).rejects.toThrow(
      'no block of 4 free ports',
    );
  });
});

describe('findFreeFleetOffset', () => {
  it('moves to another offset when one of its service ports is taken', async () => {
    const randoms = [0, 0.5];
    // The command gateway's HTTP port (3000) at offset 12000 is taken.
    const offset = await findFreeFleetOffset({
      from: 12_000,
      random: () => randoms.shift() ?? 0.9,
      isFree: async (port) => port !== 15_000,
    });
    expect(offset).toBe(12_200);
  });
});
