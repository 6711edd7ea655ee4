import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignSlots, effectiveSlots, slotOf, slotPartitions } from './slots';

const NAME = 'QfSlotAssigner';
const VERSION = 1;

/** What each member tells the leader: the slot count it was configured with and the slots it holds. */
interface SlotUserData {
  readonly slots: number;
  readonly owned: readonly number[];
}

const decodeUserData = (buffer: Buffer | undefined): SlotUserData | undefined => {
  if (!buffer || buffer.length === 0) return undefined;
  try {
    const raw = JSON.parse(buffer.toString('utf8')) as Partial<SlotUserData>;
    return typeof raw.slots === 'number' && Array.isArray(raw.owned)
      ? { slots: raw.slots, owned: raw.owned.filter((slot) => typeof slot === 'number') }
      : undefined;
  } catch {
    return undefined;
  }
};

export interface SlotAssignerOptions {
  /** QF_PROCESSOR_SLOTS of this member. */
  readonly slots: number;
  /** The slots this member holds now (sent with every join, so the leader can keep them where they are). */
  readonly owned: () => readonly number[];
  /** Called on the leader when the members were configured with different slot counts. */
  readonly onDisagreement?: (counts: Record<string, number>) => void;
}

/**
 * The command processors' kafkajs assigner: hands out whole slots (every partition of a slot
 * to one member), balanced and sticky (assignSlots). Members configured with different slot
 * counts would bind one partition to two transactional ids, which fencing cannot protect, so
 * while they disagree nobody is assigned anything (and the leader reports it).
 */
export const slotAssigner =
  (options: SlotAssignerOptions): PartitionAssigner =>
  ({ cluster }) => ({
    name: NAME,
    version: VERSION,
    async assign({ members, topics }) {
      const declared = members.map(({ memberId, memberMetadata }) => ({
        memberId,
        data: decodeUserData(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
      }));
      const counts = new Set(declared.map(({ data }) => data?.slots ?? options.slots));
      const assignment = new Map<string, Record<string, number[]>>(
        members.map(({ memberId }) => [memberId, {}]),
      );
      if (counts.size > 1) {
        options.onDisagreement?.(
          Object.fromEntries(declared.map(({ memberId, data }) => [memberId, data?.slots ?? -1])),
        );
      } else {
        for (const topic of topics) {
          const partitions = cluster.findTopicPartitionMetadata(topic).length;
          const slots = effectiveSlots(options.slots, partitions);
          const bySlot = assignSlots(
            declared.map(({ memberId, data }) => ({ memberId, owned: data?.owned ?? [] })),
            slots,
          );
          for (const [memberId, owned] of bySlot) {
            const topicsOfMember = assignment.get(memberId) as Record<string, number[]>;
            topicsOfMember[topic] = owned
              .flatMap((slot) => slotPartitions(slot, slots, partitions))
              .sort((a, b) => a - b);
          }
        }
      }
      return [...assignment].map(([memberId, byTopic]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment: byTopic,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      const userData: SlotUserData = { slots: options.slots, owned: [...options.owned()] };
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: VERSION,
          topics,
          userData: Buffer.from(JSON.stringify(userData)),
        }),
      };
    },
  });

/**
 * The slots an assignment of `partitions` covers, or a reason when it is not made of whole
 * slots under this member's slot count (another member was configured differently).
 */
export const slotsOfAssignment = (
  assigned: readonly number[],
  slots: number,
  partitions: number,
): { slots: number[] } | { mismatch: string } => {
  const effective = effectiveSlots(slots, partitions);
  const owned = [...new Set(assigned.map((partition) => slotOf(partition, effective)))].sort(
    (a, b) => a - b,
  );
  const have = new Set(assigned);
  for (const slot of owned) {
    const missing = slotPartitions(slot, effective, partitions).filter((p) => !have.has(p));
    if (missing.length > 0)
      return {
        mismatch: `assigned partitions ${[...have].sort((a, b) => a - b).join(',')} are not whole slots of ${effective} (slot ${slot} lacks ${missing.join(',')}): are the processors configured with different QF_PROCESSOR_SLOTS?`,
      };
  }
  return { slots: owned };
};
