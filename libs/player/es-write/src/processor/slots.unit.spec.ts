import fc from 'fast-check';
import { AssignerProtocol, type Cluster } from 'kafkajs';
import { slotAssigner, slotsOfAssignment } from './slot.assigner';
import { assignSlots, effectiveSlots, slotOf, slotPartitions } from './slots';

const members = (...owned: number[][]) =>
  owned.map((slots, index) => ({ memberId: `m-${index}`, owned: slots }));

describe('slots', () => {
  it('groups 12 partitions into 4 slots of 3, partition p in slot p mod 4', () => {
    expect([0, 1, 2, 3].map((slot) => slotPartitions(slot, 4, 12))).toEqual([
      [0, 4, 8],
      [1, 5, 9],
      [2, 6, 10],
      [3, 7, 11],
    ]);
    expect(slotOf(9, 4)).toBe(1);
    expect(effectiveSlots(4, 2)).toBe(2);
    expect(effectiveSlots(4, 12)).toBe(4);
  });
});

describe('assignSlots', () => {
  it('gives every slot to exactly one member, balanced within one slot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (slots, owned) => {
          const result = assignSlots(members(...owned), slots);
          const all = [...result.values()].flat().sort((a, b) => a - b);
          expect(all).toEqual(Array.from({ length: slots }, (_, slot) => slot));
          const sizes = [...result.values()].map((list) => list.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          expect(result.size).toBe(owned.length);
        },
      ),
    );
  });

  it('is stable: a member keeps what it holds when the balance allows', () => {
    const first = assignSlots(members([], []), 4);
    expect(first).toEqual(
      new Map([
        ['m-0', [0, 1]],
        ['m-1', [2, 3]],
      ]),
    );
    // Same members again: nothing moves.
    expect(assignSlots(members([0, 1], [2, 3]), 4)).toEqual(first);
    // A third member joins: it takes one slot from a member with two; the others stay.
    const three = assignSlots(members([0, 1], [2, 3], []), 4);
    expect(three.get('m-0')?.every((slot) => [0, 1].includes(slot))).toBe(true);
    expect(three.get('m-1')?.every((slot) => [2, 3].includes(slot))).toBe(true);
    expect(three.get('m-2')).toHaveLength(1);
    // A member leaves: the survivor keeps its slots and takes the orphans.
    expect(assignSlots([{ memberId: 'm-1', owned: [2, 3] }], 4).get('m-1')).toEqual([0, 1, 2, 3]);
  });

  it('gives a slot claimed by two members (one a zombie) to one of them', () => {
    const result = assignSlots(members([0, 1], [1, 2, 3]), 4);
    expect([...result.values()].flat().sort()).toEqual([0, 1, 2, 3]);
    expect(result.get('m-0')).toContain(1);
  });

  it('leaves members past the slot count without slots (standbys)', () => {
    const result = assignSlots(members([], [], [], []), 3);
    expect([...result.values()].map((list) => list.length).sort()).toEqual([0, 1, 1, 1]);
  });
});

describe('slotAssigner (kafkajs)', () => {
  const cluster = {
    findTopicPartitionMetadata: () =>
      Array.from({ length: 12 }, (_, partitionId) => ({ partitionId })),
  } as unknown as Cluster;
  const join = (slots: number, owned: number[]) =>
    slotAssigner({ slots, owned: () => owned })({ cluster, groupId: 'g', logger: {} as never });
  const member = (memberId: string, slots: number, owned: number[]) => ({
    memberId,
    memberMetadata: join(slots, owned).protocol({ topics: ['cmd'] }).metadata,
  });
  const decode = (assignment: Buffer) =>
    AssignerProtocol.MemberAssignment.decode(assignment)?.assignment ?? {};

  it('assigns every partition of a slot to the same member', async () => {
    const result = await join(4, []).assign({
      members: [member('a', 4, []), member('b', 4, [])],
      topics: ['cmd'],
    });
    expect(
      Object.fromEntries(result.map((entry) => [entry.memberId, decode(entry.memberAssignment)])),
    ).toEqual({
      a: { cmd: [0, 1, 4, 5, 8, 9] },
      b: { cmd: [2, 3, 6, 7, 10, 11] },
    });
  });

  it('assigns nothing while members disagree on the slot count, and says so', async () => {
    const disagreements: Array<Record<string, number>> = [];
    const assigner = slotAssigner({
      slots: 4,
      owned: () => [],
      onDisagreement: (counts) => disagreements.push(counts),
    })({ cluster, groupId: 'g', logger: {} as never });
    const result = await assigner.assign({
      members: [member('a', 4, []), member('b', 3, [])],
      topics: ['cmd'],
    });
    expect(result.map((entry) => decode(entry.memberAssignment))).toEqual([{}, {}]);
    expect(disagreements).toEqual([{ a: 4, b: 3 }]);
  });
});

describe('slotsOfAssignment', () => {
  it('names the slots of an assignment of whole slots', () => {
    expect(slotsOfAssignment([1, 5, 9, 3, 7, 11], 4, 12)).toEqual({ slots: [1, 3] });
    expect(slotsOfAssignment([], 4, 12)).toEqual({ slots: [] });
  });

  it('refuses partial slots (another member configured differently)', () => {
    expect(slotsOfAssignment([0, 3, 6, 9], 4, 12)).toMatchObject({
      mismatch: expect.stringContaining('QF_PROCESSOR_SLOTS'),
    });
  });
});
