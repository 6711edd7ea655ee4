import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

const NAME = 'QfFixedPartitionAssigner';
const VERSION = 1;

/**
 * A kafkajs assigner that hands exactly `assignment` to the group's (only) member: kafkajs
 * has no manual `assign()`, so a reader of chosen partitions joins a group of its own with
 * this assigner. Any further member of such a group would get nothing.
 */
export const fixedPartitionAssigner =
  (assignment: Readonly<Record<string, readonly number[]>>): PartitionAssigner =>
  () => ({
    name: NAME,
    version: VERSION,
    async assign({ members }) {
      const [first] = [...members].sort((a, b) => a.memberId.localeCompare(b.memberId));
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: VERSION,
          assignment:
            memberId === first?.memberId
              ? Object.fromEntries(
                  Object.entries(assignment).map(([topic, partitions]) => [topic, [...partitions]]),
                )
              : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: VERSION,
          topics,
          userData: Buffer.alloc(0),
        }),
      };
    },
  });
