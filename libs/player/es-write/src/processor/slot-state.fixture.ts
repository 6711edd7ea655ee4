import { encodeCommandRecord, type CommandRecord, type ReplyAddress } from '@qf/contracts';
import { encodeEvent } from '@qf/player-wire';
import type { PlayerCommand, PlayerEvent } from '@qf/player-domain';
import { decideBatch, type BatchDecision, type InboundCommand } from '../decision/decide-batch';
import { IdempotencyIndex } from '../ledger/idempotency-index';
import { encodeLedgerRecord } from '../ledger/ledger-record';
import { encodeSnapshot } from '../ledger/player-snapshot';
import type { RestoredMessage } from './slot-restorer';
import { SlotState, type CheckpointPlan, type CheckpointPolicy } from './slot-state';

/** Shared by the unit specs of the decider and the slot state (not a test itself). */
export const REPLY_TO: ReplyAddress = { gatewayId: 'gw-1', partition: 3 };

/** Builds inbound command records with increasing offsets per partition. */
export const inboundFactory = () => {
  const next = new Map<number, number>();
  return (
    command: PlayerCommand,
    options: { hash?: string; reply?: boolean; partition?: number; offset?: number } = {},
  ): InboundCommand => {
    const partition = options.partition ?? 0;
    const offset = options.offset ?? next.get(partition) ?? 0;
    next.set(partition, offset + 1);
    const record: CommandRecord = {
      command,
      requestHash: options.hash ?? `hash-${command.metadata.commandId}`,
      ...(options.reply === false ? {} : { replyTo: REPLY_TO }),
    };
    const message = encodeCommandRecord(record);
    return { partition, offset, key: message.key, value: message.value };
  };
};

export const eventsOf = (decision: BatchDecision): PlayerEvent[] =>
  [...decision.partitions.values()].flatMap((partition) => partition.events);

/**
 * A slot whose every batch commits: decide, plan, apply (as a committed transaction
 * would), with a clock the test moves. Events ends advance by the events written.
 */
export const committingSlot = (
  options: {
    partitions?: number[];
    horizonMs?: number;
    maxEntries?: number;
    policy?: CheckpointPolicy;
    now?: number;
  } = {},
) => {
  const clock = { now: options.now ?? 1_000_000 };
  const index = new IdempotencyIndex({
    horizonMs: options.horizonMs ?? 15 * 60_000,
    maxEntries: options.maxEntries ?? 100_000,
  });
  const state = new SlotState(options.partitions ?? [0], index);
  const policy = options.policy ?? { intervalMs: 10_000, maxPerTransaction: 100 };
  const plans: CheckpointPlan[] = [];
  /** What the transactions wrote, per topic kind and partition, each with its offset (a marker after each transaction). */
  const topics = {
    events: new Map<number, RestoredMessage[]>(),
    snapshots: new Map<number, RestoredMessage[]>(),
    ledger: new Map<number, RestoredMessage[]>(),
  };
  const ends = {
    events: new Map<number, number>(),
    ledger: new Map<number, number>(),
    snapshots: new Map<number, number>(),
  };
  const write = (kind: keyof typeof topics, partition: number, key: string, value: string) => {
    const log = topics[kind].get(partition) ?? [];
    topics[kind].set(partition, log);
    const offset = ends[kind].get(partition) ?? 0;
    log.push({
      offset: String(offset),
      timestamp: String(clock.now),
      key: Buffer.from(key),
      value: Buffer.from(value),
    });
    ends[kind].set(partition, offset + 1);
  };
  const decide = (commands: readonly InboundCommand[]): BatchDecision => {
    const decision = decideBatch(state, commands);
    const plan = state.plan(decision, clock.now, policy);
    plans.push(plan);
    if (plan.ledger.length > 0 || decision.deadLetters.length > 0) {
      const touched = new Set<string>();
      for (const [partition, decided] of decision.partitions)
        for (const event of decided.events) {
          const { key, value } = encodeEvent(event);
          write('events', partition, key, value);
          touched.add(`events:${partition}`);
        }
      for (const { partition, snapshot } of plan.snapshots) {
        const { key, value } = encodeSnapshot(snapshot, partition);
        write('snapshots', partition, key, value);
        touched.add(`snapshots:${partition}`);
      }
      for (const { partition, record } of plan.ledger) {
        const { key, value } = encodeLedgerRecord(record, partition, clock.now);
        write('ledger', partition, key, value);
        touched.add(`ledger:${partition}`);
      }
      // The commit marker takes an offset on every partition the transaction wrote to.
      for (const id of touched) {
        const [kind, partition] = id.split(':') as [keyof typeof topics, string];
        ends[kind].set(Number(partition), (ends[kind].get(Number(partition)) ?? 0) + 1);
      }
    }
    state.apply(decision, plan, clock.now, {
      events: new Map(ends.events),
      ledger: new Map(ends.ledger),
    });
    return decision;
  };
  return { clock, index, state, plans, topics, ends, decide };
};
