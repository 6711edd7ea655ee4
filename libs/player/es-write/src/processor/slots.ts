/**
 * Slots: fixed groups of input partitions that move between processors together. A slot is
 * the unit of ownership of the write path: one transactional id (and so one producer and one
 * stream of transactions) per slot, so a transaction can cover all of a slot's partitions and
 * a new owner still fences the old one. Partition p belongs to slot p mod slots.
 */

/** The slots a topic of `partitions` partitions really has (no empty slot). */
export const effectiveSlots = (slots: number, partitions: number): number =>
  Math.max(1, Math.min(slots, partitions));

export const slotOf = (partition: number, slots: number): number => partition % slots;

/** The partitions of slot `slot`, ascending. */
export const slotPartitions = (slot: number, slots: number, partitions: number): number[] => {
  const result: number[] = [];
  for (let partition = slot; partition < partitions; partition += slots) result.push(partition);
  return result;
};

/** A group member as the slot assigner sees it: its id and the slots it holds now. */
export interface SlotMember {
  readonly memberId: string;
  readonly owned: readonly number[];
}

/**
 * Gives every slot to exactly one member, balanced (members get ⌊S/M⌋ or ⌈S/M⌉ slots) and
 * sticky: a member keeps the slots it holds as far as the balance allows, so a rebalance
 * moves as few slots (fences and restores) as possible. Members holding more keep more
 * (they get the larger quotas); a slot claimed by two members (one of them a zombie that has
 * not noticed it lost it) stays with the first in memberId order. Deterministic: the same
 * input gives the same output, whichever member leads.
 */
export const assignSlots = (
  members: readonly SlotMember[],
  slots: number,
): Map<string, number[]> => {
  const result = new Map<string, number[]>();
  if (members.length === 0) return result;
  const ordered = [...members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0,
  );
  const base = Math.floor(slots / ordered.length);
  let larger = slots % ordered.length;
  const claimed = new Set<number>();
  const kept = new Map<string, number[]>();
  for (const member of ordered) {
    const valid = [...new Set(member.owned)]
      .filter((slot) => Number.isInteger(slot) && slot >= 0 && slot < slots && !claimed.has(slot))
      .sort((a, b) => a - b);
    kept.set(member.memberId, valid);
    for (const slot of valid) claimed.add(slot);
  }
  // The larger quotas go to the members that already hold the most.
  const byHolding = [...ordered].sort(
    (a, b) => (kept.get(b.memberId)?.length ?? 0) - (kept.get(a.memberId)?.length ?? 0),
  );
  const quota = new Map<string, number>();
  for (const member of byHolding) {
    quota.set(member.memberId, base + (larger > 0 ? 1 : 0));
    if (larger > 0) larger -= 1;
  }
  const free: number[] = [];
  for (const member of ordered) {
    const holding = kept.get(member.memberId) ?? [];
    const limit = quota.get(member.memberId) ?? base;
    result.set(member.memberId, holding.slice(0, limit));
    free.push(...holding.slice(limit));
  }
  for (let slot = 0; slot < slots; slot += 1) if (!claimed.has(slot)) free.push(slot);
  free.sort((a, b) => a - b);
  for (const member of ordered) {
    const assigned = result.get(member.memberId) as number[];
    const limit = quota.get(member.memberId) ?? base;
    while (assigned.length < limit && free.length > 0) assigned.push(free.shift() as number);
    assigned.sort((a, b) => a - b);
  }
  return result;
};

/** The slots of a bit mask (slot s is bit s), ascending. */
export const slotsOfMask = (mask: number): number[] => {
  const slots: number[] = [];
  for (let slot = 0; 1 << slot <= mask; slot += 1) if (mask & (1 << slot)) slots.push(slot);
  return slots;
};

export const maskOf = (slots: Iterable<number>): number => {
  let mask = 0;
  for (const slot of slots) mask |= 1 << slot;
  return mask;
};

/**
 * Every non-empty set of slots (as a mask) that shares a slot with `mask`, itself included:
 * the transactional ids an owner of `mask` must fence, since any earlier owner of one of
 * its slots used one of them. 2^S − 2^(S−k) of them for k slots of S.
 */
export const overlappingMasks = (mask: number, slots: number): number[] => {
  const result: number[] = [];
  for (let other = 1; other < 1 << slots; other += 1) if (other & mask) result.push(other);
  return result;
};
