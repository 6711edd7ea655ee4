import { Partitioners, type Admin, type Kafka, type KafkaMessage } from 'kafkajs';
import { decodeCommandRecord, type CommandStatus, type TopicNames } from '@qf/contracts';
import { readPartitionRanges, type PartitionRange } from '@qf/shared-kafka';
import { decodeLedgerLine, type DecidedCommand } from './ledger-line';
import { decodeLedgerRecord } from './ledger-record';

export interface CommandStatusOptions {
  readonly topics: Pick<TopicNames, 'commands' | 'ledger'>;
  /** How long the processors remember a command id (QF_IDEMPOTENCY_HORIZON_MS): what is searched. */
  readonly horizonMs: number;
  readonly now?: () => number;
  /** A search that takes longer fails (the caller answers 503). */
  readonly timeoutMs?: number;
}

/**
 * Ledger records read before the horizon's first one, so that the last decided offset of
 * a partition with no decision within the horizon is known (the record and its
 * transaction marker, a few times over).
 */
const TAIL = 8n;

/** The partition a player's records go to: the producers' own partitioner (murmur2 of the key). */
export const partitionOfPlayer = (playerId: string, partitions: number): number => {
  const partitioner = Partitioners.DefaultPartitioner();
  return partitioner({
    topic: '',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    })),
    message: { key: playerId, value: null },
  });
};

interface Found {
  readonly decided: DecidedCommand;
  readonly at: number;
}

/**
 * Where a command stands, asked of the write path's own records: player.ledger holds every
 * command a processor decided (its outcome, and per partition the offset of the last
 * command decided), player.commands what was sent. A command is
 * - accepted or rejected: a ledger line within the idempotency horizon names it;
 * - pending: not in the ledger, but on player.commands after the last decided offset of its
 *   partition (sent, not decided yet: no processor owns the partition, or it is behind);
 * - unknown otherwise (never sent, or decided longer ago than the horizon).
 * With the player id only that player's partition is read; without it every partition, and
 * a command id reused by several players (ids are unique per player) names them all.
 * Nothing is held between searches: a search reads the ledger of the horizon (a throwaway
 * consumer group), so the gateway's hot path pays nothing for it.
 */
export class CommandStatusReader {
  private readonly now: () => number;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly options: CommandStatusOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  async find(commandId: string, playerId?: string): Promise<CommandStatus[]> {
    const { topics } = this.options;
    const since = this.now() - this.options.horizonMs;
    const ledger = await this.admin.fetchTopicOffsets(topics.ledger);
    const partitions =
      playerId === undefined
        ? ledger.map((entry) => entry.partition)
        : [partitionOfPlayer(playerId, ledger.length)];
    const { found, decidedOffsets } = await this.searchLedger(
      commandId,
      playerId,
      partitions,
      since,
    );
    if (found.length > 0) return found.map(toStatus);
    return this.searchSent(commandId, playerId, partitions, decidedOffsets, since);
  }

  /** The ledger lines naming the command, and the last decided offset of each partition read. */
  private async searchLedger(
    commandId: string,
    playerId: string | undefined,
    partitions: readonly number[],
    since: number,
  ): Promise<{ found: Found[]; decidedOffsets: Map<number, number> }> {
    const { ledger } = this.options.topics;
    const [bounds, byTime] = await Promise.all([
      this.admin.fetchTopicOffsets(ledger),
      this.admin.fetchTopicOffsetsByTimestamp(ledger, since),
    ]);
    const ranges: PartitionRange[] = partitions.map((partition) => {
      const high = BigInt(bounds.find((entry) => entry.partition === partition)?.high ?? '0');
      const first = offsetOrEnd(byTime, partition, high);
      const tail = high - TAIL;
      return { topic: ledger, partition, from: first < tail ? first : tail };
    });
    // A line starts `["<commandId>",`: most lines are passed over without parsing them.
    const prefix = `[${JSON.stringify(commandId)},`;
    const found = new Map<string, Found>();
    const decidedOffsets = new Map<number, number>();
    await readPartitionRanges(
      this.kafka,
      this.admin,
      ranges,
      (_topic, partition, message) => {
        const record = decodeOrUndefined(message);
        if (!record) return;
        decidedOffsets.set(
          partition,
          Math.max(decidedOffsets.get(partition) ?? -1, record.decided),
        );
        for (const line of record.lines) {
          if (!line.startsWith(prefix)) continue;
          const decided = decodeLineOrUndefined(line);
          if (!decided || decided.commandId !== commandId) continue;
          if (playerId !== undefined && decided.playerId !== playerId) continue;
          // One decision per player and id: the first line is it (a restore may write none again).
          if (!found.has(decided.playerId))
            found.set(decided.playerId, { decided, at: Number(message.timestamp) });
        }
      },
      this.readOptions('qf-command-status'),
    );
    return { found: [...found.values()], decidedOffsets };
  }

  /** Commands sent after the last decided offset of their partition: pending. */
  private async searchSent(
    commandId: string,
    playerId: string | undefined,
    partitions: readonly number[],
    decidedOffsets: ReadonlyMap<number, number>,
    since: number,
  ): Promise<CommandStatus[]> {
    const { commands } = this.options.topics;
    const [bounds, byTime] = await Promise.all([
      this.admin.fetchTopicOffsets(commands),
      this.admin.fetchTopicOffsetsByTimestamp(commands, since),
    ]);
    const ranges: PartitionRange[] = partitions.map((partition) => {
      const decided = decidedOffsets.get(partition);
      const high = BigInt(bounds.find((entry) => entry.partition === partition)?.high ?? '0');
      const from =
        decided !== undefined && decided >= 0
          ? BigInt(decided) + 1n
          : offsetOrEnd(byTime, partition, high);
      return { topic: commands, partition, from };
    });
    const needle = JSON.stringify(commandId);
    const pending = new Map<string, CommandStatus>();
    await readPartitionRanges(
      this.kafka,
      this.admin,
      ranges,
      (_topic, _partition, message) => {
        if (!message.value?.includes(needle)) return;
        let command;
        try {
          ({ command } = decodeCommandRecord(message.value));
        } catch {
          return; // poison: the processor dead-letters it; it never becomes a decision
        }
        const owner = command.data.playerId;
        if (command.metadata.commandId !== commandId) return;
        if (playerId !== undefined && owner !== playerId) return;
        pending.set(owner, { commandId, playerId: owner, status: 'pending' });
      },
      this.readOptions('qf-command-pending'),
    );
    return [...pending.values()];
  }

  private readOptions(groupPrefix: string) {
    return {
      groupPrefix,
      ...(this.options.timeoutMs !== undefined ? { timeoutMs: this.options.timeoutMs } : {}),
    };
  }
}

/** The first offset at or after a time, or the end when no record is that recent (Kafka's -1). */
const offsetOrEnd = (
  byTime: ReadonlyArray<{ partition: number; offset: string }>,
  partition: number,
  high: bigint,
): bigint => {
  const offset = BigInt(byTime.find((entry) => entry.partition === partition)?.offset ?? '-1');
  return offset < 0n || offset > high ? high : offset;
};

const decodeOrUndefined = (message: KafkaMessage) => {
  try {
    return decodeLedgerRecord(message.value);
  } catch {
    return undefined; // a record the processors skip too
  }
};

const decodeLineOrUndefined = (line: string): DecidedCommand | undefined => {
  try {
    return decodeLedgerLine(line);
  } catch {
    return undefined;
  }
};

const toStatus = ({ decided, at }: Found): CommandStatus => {
  const base = { commandId: decided.commandId, playerId: decided.playerId };
  const decidedAt = new Date(at).toISOString();
  return decided.outcome.status === 'accepted'
    ? { ...base, status: 'accepted', decidedAt, result: decided.outcome.result }
    : { ...base, status: 'rejected', decidedAt, problem: decided.outcome.problem };
};
