import type { Admin } from 'kafkajs';
import { topicNames, type TopicNames } from '@qf/contracts';
import type { RebuildStats } from '@qf/player-read-model';
import {
  committedOffsets,
  hasReached,
  partitionPositions,
  topicEnds,
} from '../kafka/partition-positions';
import { assertWholeHistory } from '../kafka/source-history';
import { liveGroupOf, planReplay, sourceTopicOf, type ReplayPlan } from '../plan/replay-plan';
import { AUDIT_LOG_VIEW, type ReplayView } from '../plan/replay-target';
import { nextVersion, versionedCollection, versionOfCollection } from '../plan/versioned-names';
import {
  isCaughtUp,
  lagToHead,
  progressOf,
  RateMeter,
  reachedTarget,
  snapshotOf,
  type PartitionPosition,
} from '../progress/replay-progress';
import { decideRun, type ReplayStateDocument } from '../state/replay-state';
import { ReplayStateStore } from '../state/replay-state.store';
import { activeCollections, aliasVersions, switchAliases } from '../state/view-alias.store';
import { LiveGroupActiveError, ReplayAbandonError, ReplayInterruptedError } from './replay-errors';
import { auditRebuildRunner, esRebuildRunner, type RebuildRunner } from './rebuild-runner';

import {
  conflict,
  dropCollection,
  esCollectionsOf,
  esViewsOf,
  progressTotal,
  abortableSleep,
} from './replay-run.helpers';
import { ensureGenerationIndexes } from './replay-indexes';
import type { ReplayDeps, ReplayOptions, ReplayOutcome } from './replay-run.types';

/**
 * One run of a replay: plans a new generation or resumes the unfinished one, then drives
 * it forward (blue-green) or rebuilds the live collections (in-place). See docs/replay.md.
 */
export class ReplayRun {
  private readonly topics: TopicNames;
  private readonly store: ReplayStateStore;
  private readonly pollMs: number;
  private runner?: RebuildRunner;
  private consumerStats?: RebuildStats;
  private meter = new RateMeter();
  private startedAt = performance.now();
  private doneAtStart = 0;
  private lastDone = 0;
  private buildSeconds = 0;
  private buildEvents = 0;

  constructor(
    private readonly deps: ReplayDeps,
    private readonly options: ReplayOptions,
    private readonly admin: Admin,
  ) {
    this.topics = topicNames(options.prefix);
    this.store = new ReplayStateStore(deps.db);
    this.pollMs = options.pollMs ?? 1000;
  }

  private get kind() {
    return this.options.target.kind;
  }

  private get liveGroup() {
    return this.options.liveGroup ?? liveGroupOf(this.kind, this.options.prefix);
  }

  private phase(message: string) {
    this.options.onPhase?.(message);
  }

  /** Before anything is planned or dropped: the source must exist and still hold its whole history. */
  private async assertSource(topic: string): Promise<void> {
    await assertWholeHistory(this.admin, topic, {
      allowTruncated: this.options.allowTruncated === true,
      warn: (message) => this.phase(message),
    });
  }

  private interrupted(state: ReplayStateDocument): never {
    throw new ReplayInterruptedError(state._id, this.lastDone, progressTotal(state));
  }

  async blueGreen(): Promise<ReplayOutcome> {
    const { target } = this.options;
    await this.assertSource(sourceTopicOf(target.kind, this.topics));
    const decision = decideRun(target, 'blue-green', await this.store.unfinished());
    if (decision.action === 'conflict') throw conflict(decision.state);
    let state: ReplayStateDocument;
    if (decision.action === 'resume') {
      state = decision.state;
      await this.store.countRun(state._id);
      this.phase(
        `resuming ${state._id} (${state.status}; group ${state.groupId} carries on from its committed offsets)`,
      );
    } else {
      const version = nextVersion([
        ...(await aliasVersions(this.deps.db)),
        ...(await this.store.versionsInUse()),
      ]);
      const plan = planReplay(target, version, this.options.prefix, this.topics);
      const ends = await topicEnds(this.admin, plan.topic);
      state = await this.store.create(
        plan,
        'blue-green',
        ends.map(({ partition, high }) => ({ partition, offset: high })),
      );
      this.phase(
        `rebuilding ${plan.views.join(', ')} from ${plan.topic} offset 0 into ${Object.values(plan.collections).join(', ')} (group ${plan.groupId}, ${this.options.replicas} replica(s))`,
      );
    }
    const resumed = decision.action === 'resume';

    await this.measureStart(state);
    if (
      state.status === 'building' ||
      state.status === 'caught-up' ||
      state.status === 'switched'
    ) {
      await this.startRunner(state);
    }
    if (state.status === 'building') {
      await this.buildUntilCaughtUp(state);
      await this.ensureIndexes(state);
      state = await this.store.advance(state._id, 'caught-up', {
        caughtUpAt: new Date().toISOString(),
      });
      this.phase(`${state._id} caught up with the live head; indexes built`);
    }
    if (state.status === 'caught-up') {
      if (this.options.signal?.aborted) this.interrupted(state);
      state = await this.switchReaders(state);
    }
    let dropped: string[] = [];
    let kept: string[] = [];
    if (state.status === 'switched') {
      await this.graceThenHandover(state);
      ({ dropped, kept } = await this.dropOld(state));
      state = await this.store.advance(state._id, 'dropped', {
        droppedAt: new Date().toISOString(),
        kept,
      });
      this.phase(
        kept.length > 0
          ? `kept the old generation (${kept.join(', ')}); it is no longer updated`
          : `dropped ${dropped.join(', ') || 'nothing'}`,
      );
    }
    return this.outcome(state, resumed, dropped, kept);
  }

  async inPlace(): Promise<ReplayOutcome> {
    const { target } = this.options;
    const topic = sourceTopicOf(target.kind, this.topics);
    await this.assertSource(topic);
    const decision = decideRun(target, 'in-place', await this.store.unfinished());
    if (decision.action === 'conflict') throw conflict(decision.state);
    await this.assertLiveGroupIdle();
    let state: ReplayStateDocument;
    if (decision.action === 'resume') {
      state = decision.state;
      await this.store.countRun(state._id);
      this.phase(
        `resuming ${state._id} (group ${state.groupId} carries on from its committed offsets)`,
      );
    } else {
      const views =
        target.kind === 'es'
          ? ['player_details', 'room_occupancy', 'leaderboard', 'player_events']
          : [AUDIT_LOG_VIEW];
      const active = await activeCollections(this.deps.db, views);
      const collections = Object.fromEntries(
        views
          .filter((view) => view === 'player_details' || target.views.includes(view as ReplayView))
          .map((view) => [view, active[view] as string]),
      );
      const ends = await topicEnds(this.admin, topic);
      const now = new Date();
      const plan: ReplayPlan = {
        id: `${target.name}@in-place-${now.getTime().toString(36)}`,
        target: target.name,
        kind: target.kind,
        views: [...target.views],
        version:
          versionOfCollection(
            target.views[0] as string,
            active[target.views[0] as string] as string,
          ) ?? 1,
        groupId: this.liveGroup,
        topic,
        collections,
        scratch: [],
      };
      state = await this.store.create(
        plan,
        'in-place',
        ends.map(({ partition, high }) => ({ partition, offset: high })),
        now,
      );
    }
    if (!state.resetAt) {
      // Downtime starts here: readers see the views empty, then filling up.
      for (const view of state.views)
        await dropCollection(this.deps.db, state.collections[view] as string);
      await this.ensureIndexes(state);
      await this.admin.resetOffsets({ groupId: state.groupId, topic: state.topic, earliest: true });
      state = await this.store.mark(state._id, { resetAt: new Date().toISOString() });
      this.phase(
        `in place: dropped ${state.views.map((view) => state.collections[view]).join(', ')} and reset ${state.groupId} to offset 0 (the views are incomplete until it catches up)`,
      );
    }
    await this.measureStart(state);
    await this.startRunner(state);
    await this.buildUntilCaughtUp(state);
    await this.stopRunner();
    state = await this.store.advance(state._id, 'done', { caughtUpAt: new Date().toISOString() });
    this.phase(
      `${state._id} done: ${state.groupId} is at the live head; restart the live consumers`,
    );
    return this.outcome(state, decision.action === 'resume', [], []);
  }

  /** Drops what an unfinished (not yet switched) rebuild wrote and forgets it. */
  async abandon(): Promise<ReplayStateDocument> {
    const { target } = this.options;
    const mine = (await this.store.unfinished()).find((state) => state.target === target.name);
    if (!mine) throw new ReplayAbandonError(`no unfinished replay of ${target.name} to abandon`);
    // Once `previous` is recorded the aliases may already name the new collections.
    if (mine.mode === 'blue-green' && (mine.status === 'switched' || mine.previous !== undefined))
      throw new ReplayAbandonError(
        `replay ${mine._id} has switched (or begun switching) the readers to its collections; run it again to finish it instead`,
      );
    if (mine.mode === 'in-place')
      throw new ReplayAbandonError(
        `replay ${mine._id} rebuilds the live collections in place; run it again to finish it instead`,
      );
    const state = await this.store.advance(mine._id, 'abandoned');
    for (const collection of Object.values(state.collections))
      await dropCollection(this.deps.db, collection);
    await this.admin.deleteGroups([state.groupId]).catch(() => undefined);
    this.phase(
      `abandoned ${state._id}: dropped ${Object.values(state.collections).join(', ')}, deleted group ${state.groupId}`,
    );
    return state;
  }

  async close(): Promise<void> {
    await this.stopRunner();
  }

  private async assertLiveGroupIdle(): Promise<void> {
    const { groups } = await this.admin.describeGroups([this.liveGroup]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) throw new LiveGroupActiveError(this.liveGroup, members);
  }

  private async startRunner(state: ReplayStateDocument): Promise<void> {
    const { kafka, db, logger } = this.deps;
    this.runner =
      state.kind === 'es'
        ? esRebuildRunner({
            kafka,
            db,
            groupId: state.groupId,
            topic: state.topic,
            deadLetterTopic: this.topics.eventsDeadLetter,
            collections: esCollectionsOf(state, (view) => versionedCollection(view, state.version)),
            views: esViewsOf(state.views),
            replicas: this.options.replicas,
            ...(this.options.settings ? { settings: this.options.settings } : {}),
            ...(logger ? { logger } : {}),
          })
        : auditRebuildRunner({
            kafka,
            db,
            groupId: state.groupId,
            topic: state.topic,
            deadLetterTopic: this.topics.crudAuditDeadLetter,
            collection: state.collections[AUDIT_LOG_VIEW] as string,
            replicas: this.options.replicas,
          });
    await this.runner.start();
  }

  private async stopRunner(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    this.consumerStats = runner?.stats?.() ?? this.consumerStats;
  }

  private async positions(state: ReplayStateDocument): Promise<PartitionPosition[]> {
    return partitionPositions(this.admin, state.groupId, state.topic, state.targetEnd);
  }

  private report(state: ReplayStateDocument, positions: readonly PartitionPosition[]): void {
    const counts = progressOf(positions);
    this.lastDone = counts.done;
    this.meter.add(Date.now(), counts.done);
    this.options.onProgress?.(
      snapshotOf(
        state._id,
        counts,
        this.meter.rate(),
        reachedTarget(positions) ? lagToHead(positions) : undefined,
      ),
    );
  }

  /** Where the group stands before this run's consumers start: what a resumed rebuild does not redo. */
  private async measureStart(state: ReplayStateDocument): Promise<void> {
    const positions = await this.positions(state);
    this.doneAtStart = progressOf(positions).done;
    this.lastDone = this.doneAtStart;
    this.meter.add(Date.now(), this.doneAtStart);
    this.startedAt = performance.now();
  }

  private async buildUntilCaughtUp(state: ReplayStateDocument): Promise<void> {
    const { signal, maxLag } = this.options;
    for (;;) {
      const positions = await this.positions(state);
      this.report(state, positions);
      // An abort asked for before the switch wins, even when this very look finds the rebuild caught up.
      if (signal?.aborted) this.interrupted(state);
      if (isCaughtUp(positions, maxLag)) break;
      await abortableSleep(this.pollMs, signal);
    }
    this.buildSeconds = (performance.now() - this.startedAt) / 1000;
    this.buildEvents = this.lastDone - this.doneAtStart;
  }

  /**
   * Builds the new collections' indexes (deferred until now: inserts are cheaper without
   * them). Retried: a Mongo-wire server under load can fail a large index build
   * transiently, and createIndex is idempotent.
   */
  private ensureIndexes(state: ReplayStateDocument): Promise<void> {
    return ensureGenerationIndexes(this.deps.db, state, {
      signal: this.options.signal,
      onRetry: (message) => this.phase(message),
    });
  }

  private async switchReaders(state: ReplayStateDocument): Promise<ReplayStateDocument> {
    const { db } = this.deps;
    const recorded = await this.store.recordPrevious(
      state._id,
      await activeCollections(db, state.views),
    );
    const mapping = Object.fromEntries(
      state.views.map((view) => [view, state.collections[view] as string]),
    );
    await switchAliases(db, mapping);
    const switched = await this.store.advance(state._id, 'switched', {
      switchedAt: new Date().toISOString(),
      previous: recorded.previous ?? {},
    });
    this.phase(
      `switched readers: ${state.views.map((view) => `${view} -> ${mapping[view]}`).join(', ')}; the old generation goes after ${this.options.graceSeconds}s` +
        (this.options.keepOld ? ' (kept: --keep-old)' : ''),
    );
    return switched;
  }

  /**
   * During the grace the rebuild keeps the new generation fresh while the live consumers
   * notice the switch (they follow the aliases) and start writing it too. Then the
   * rebuild stops once its group has passed wherever the live group has got to, so every
   * event is in the new generation: applied by the rebuild up to there, by the live
   * consumers after.
   */
  private async graceThenHandover(state: ReplayStateDocument): Promise<void> {
    const { signal } = this.options;
    const until =
      Date.parse(state.switchedAt ?? new Date().toISOString()) + this.options.graceSeconds * 1000;
    for (;;) {
      this.report(state, await this.positions(state));
      const left = until - Date.now();
      if (left <= 0) break;
      if (signal?.aborted) this.interrupted(state);
      await abortableSleep(Math.min(this.pollMs, left), signal);
    }
    const live = await committedOffsets(this.admin, this.liveGroup, state.topic);
    for (;;) {
      const mine = await committedOffsets(this.admin, state.groupId, state.topic);
      if (hasReached(mine, live)) break;
      if (signal?.aborted) this.interrupted(state);
      this.report(state, await this.positions(state));
      await abortableSleep(this.pollMs, signal);
    }
    await this.stopRunner();
    await this.admin.deleteGroups([state.groupId]).catch(() => undefined);
  }

  private async dropOld(
    state: ReplayStateDocument,
  ): Promise<{ dropped: string[]; kept: string[] }> {
    const fresh = new Set(Object.values(state.collections));
    const old = state.views
      .map((view) => state.previous?.[view])
      .filter((name): name is string => name !== undefined && !fresh.has(name));
    const toDrop = [...(this.options.keepOld ? [] : old), ...state.scratch];
    const dropped: string[] = [];
    for (const name of toDrop) if (await dropCollection(this.deps.db, name)) dropped.push(name);
    return { dropped, kept: this.options.keepOld ? old : [] };
  }

  private async outcome(
    state: ReplayStateDocument,
    resumed: boolean,
    dropped: string[],
    kept: string[],
  ): Promise<ReplayOutcome> {
    const events = progressTotal(state);
    return {
      id: state._id,
      mode: state.mode,
      status: state.status,
      version: state.version,
      views: state.views,
      groupId: state.groupId,
      topic: state.topic,
      resumed,
      doneAtStart: this.doneAtStart,
      events,
      buildSeconds: Math.round(this.buildSeconds * 100) / 100,
      eventsPerSecond: this.buildSeconds > 0 ? Math.round(this.buildEvents / this.buildSeconds) : 0,
      active: await activeCollections(this.deps.db, state.views),
      dropped,
      kept,
      ...(this.consumerStats ? { consumers: this.consumerStats } : {}),
    };
  }
}
