import type { Admin, ITopicConfig } from 'kafkajs';
import {
  DEFAULT_IDEMPOTENCY_HORIZON_MS,
  DEFAULT_PARTITIONS,
  replicationFor,
  topicNames,
  topicSpecsFor,
  type TopicKey,
  type TopicLayout,
  type TopicNames,
  type TopicSpec,
} from '@qf/contracts';
import { InvalidEnvironmentError, intFromEnv } from '@qf/shared-config';
import { checkTopic, describeProblems, type ExistingTopic, type TopicProblem } from './topic-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { awaitTopicServing } from './topic-ready';

export type { TopicSpec } from '@qf/contracts';

/** Thrown when an existing topic has another partition count than the fleet expects. */
export class TopicMismatchError extends Error {
  constructor(
    readonly topic: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(
      `topic ${topic} has ${actual} partitions but ${expected} are configured; partitioning by player id needs the same count on every write-path topic`,
    );
  }
}

/**
 * Thrown when an existing topic's settings could lose history (the event store, the audit
 * topic): the service refuses to run rather than lose records later. Names each setting.
 */
export class UnsafeTopicSettingsError extends Error {
  readonly code = 'TOPIC.UNSAFE_SETTINGS';
  constructor(readonly problems: readonly TopicProblem[]) {
    super(
      `refusing to run: topic settings could lose history:\n  ${describeProblems(problems)}\n` +
        'Fix them (e.g. `npx qf topics fix`, or kafka-configs --alter), or use another QF_TOPIC_PREFIX.',
    );
  }
}

/** What ensureTopics found: the topics it created and the differences it tolerated. */
export interface EnsureTopicsReport {
  readonly created: readonly string[];
  readonly drift: readonly TopicProblem[];
}

export interface EnsureTopicsOptions {
  /** Told about every tolerated difference (a logger's warn). */
  readonly onDrift?: (problem: TopicProblem) => void;
}

/** The settings of existing topics, as the cluster reports them. */
export const describeTopics = async (
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, ExistingTopic>> => {
  if (topics.length === 0) return new Map();
  const [metadata, configs] = await Promise.all([
    admin.fetchTopicMetadata({ topics: [...topics] }),
    admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: 2 /* TOPIC */, name })),
    }),
  ]);
  const result = new Map<string, ExistingTopic>();
  for (const topic of metadata.topics) {
    const resource = configs.resources.find((entry) => entry.resourceName === topic.name);
    result.set(topic.name, {
      partitions: topic.partitions.length,
      replicationFactor: Math.min(
        ...topic.partitions.map((partition) => partition.replicas.length),
      ),
      configs: Object.fromEntries(
        (resource?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
      ),
    });
  }
  return result;
};

/**
 * describeTopics, waiting while a broker says it does not host a topic yet: another
 * replica may have created it a moment ago (seen on a fresh three-node cluster, where two
 * processors start together).
 */
const describeWhenServed = async (admin: Admin, topics: readonly string[]) => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await describeTopics(admin, topics);
    } catch (error) {
      if (!isNotServedYet(error) || attempt >= 40) throw error;
      await sleep(Math.min(1000, 100 * attempt));
    }
  }
};

const createMissing = async (admin: Admin, missing: readonly TopicSpec[]): Promise<void> => {
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec): ITopicConfig => ({
        topic: spec.topic,
        numPartitions: spec.numPartitions,
        ...(spec.replicationFactor !== undefined
          ? { replicationFactor: spec.replicationFactor }
          : {}),
        ...(spec.configEntries
          ? { configEntries: spec.configEntries.map((entry) => ({ ...entry })) }
          : {}),
      })),
    });
  } catch (error) {
    if (isNotServedYet(error)) {
      // Created, but a broker just started answers "does not host this topic-partition" for
      // a few seconds, and kafkajs' waitForLeaders gives up on that: wait until it serves them.
      for (const spec of missing) await awaitTopicServing(admin, spec.topic);
    } else if (!(error instanceof Error && /already exists/i.test(error.message))) {
      // Anything but another replica creating it between listTopics and createTopics.
      throw error;
    }
  }
};

/**
 * Creates the topics that do not exist yet, from their specs (idempotent: safe for every
 * replica to call at start), and checks the ones that do. Refuses (throws) when a
 * write-path topic has another partition count (TopicMismatchError) or when a topic that
 * keeps history has a setting that could lose it (UnsafeTopicSettingsError, naming each
 * setting); other differences are reported as drift.
 */
export const ensureTopics = async (
  admin: Admin,
  specs: readonly TopicSpec[],
  options: EnsureTopicsOptions = {},
): Promise<EnsureTopicsReport> => {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.topic));
  if (missing.length > 0) await createMissing(admin, missing);
  const present = specs.filter((spec) => existing.has(spec.topic));
  const described = await describeWhenServed(
    admin,
    present.map((spec) => spec.topic),
  );
  const fatal: TopicProblem[] = [];
  const drift: TopicProblem[] = [];
  for (const spec of present) {
    const actual = described.get(spec.topic);
    if (!actual) continue;
    const verdict = checkTopic(spec, actual);
    const partitions = verdict.fatal.find((problem) => problem.setting === 'partitions');
    if (partitions) throw new TopicMismatchError(spec.topic, spec.numPartitions, actual.partitions);
    fatal.push(...verdict.fatal);
    drift.push(...verdict.drift);
  }
  if (fatal.length > 0) throw new UnsafeTopicSettingsError(fatal);
  for (const problem of drift) options.onDrift?.(problem);
  return { created: missing.map((spec) => spec.topic), drift };
};

/**
 * The layout of the fleet's topics on this cluster: QF_PARTITIONS partitions (default
 * 12), and min(3, brokers) replicas unless QF_REPLICATION_FACTOR asks for fewer or more.
 */
export const topicLayout = async (
  admin: Admin,
  env: NodeJS.ProcessEnv = process.env,
  partitions = intFromEnv('QF_PARTITIONS', DEFAULT_PARTITIONS, { min: 1, max: 1000 }, env),
): Promise<TopicLayout> => {
  const { brokers } = await admin.describeCluster();
  const requested =
    env['QF_REPLICATION_FACTOR'] === undefined || env['QF_REPLICATION_FACTOR'] === ''
      ? undefined
      : intFromEnv('QF_REPLICATION_FACTOR', 3, { min: 1, max: 16 }, env);
  if (requested !== undefined && requested > brokers.length) {
    throw new InvalidEnvironmentError(
      'QF_REPLICATION_FACTOR',
      String(requested),
      `at most the ${brokers.length} broker(s) of the cluster`,
    );
  }
  return {
    partitions,
    ...replicationFor(brokers.length, requested),
    idempotencyHorizonMs: intFromEnv(
      'QF_IDEMPOTENCY_HORIZON_MS',
      DEFAULT_IDEMPOTENCY_HORIZON_MS,
      { min: 1000, max: 7 * 24 * 3_600_000 },
      env,
    ),
  };
};

/**
 * Ensures some of the fleet's topics, by key, with the layout of this cluster: the one
 * call every service and CLI command makes for the topics it needs.
 */
export const ensureFleetTopics = async (
  admin: Admin,
  keys: readonly TopicKey[],
  options: EnsureTopicsOptions & { partitions?: number; names?: TopicNames } = {},
): Promise<EnsureTopicsReport> => {
  const layout = await topicLayout(admin, process.env, options.partitions);
  return ensureTopics(admin, topicSpecsFor(keys, layout, options.names ?? topicNames()), options);
};

/** Every problem of each spec'd topic that exists (missing topics are left out). */
export const checkTopics = async (
  admin: Admin,
  specs: readonly TopicSpec[],
): Promise<
  Array<{
    spec: TopicSpec;
    exists: boolean;
    actual?: ExistingTopic;
    fatal: TopicProblem[];
    drift: TopicProblem[];
  }>
> => {
  const existing = new Set(await admin.listTopics());
  const described = await describeWhenServed(
    admin,
    specs.filter((spec) => existing.has(spec.topic)).map((spec) => spec.topic),
  );
  return specs.map((spec) => {
    const actual = described.get(spec.topic);
    if (!actual) return { spec, exists: false, fatal: [], drift: [] };
    const verdict = checkTopic(spec, actual);
    return { spec, exists: true, actual, fatal: [...verdict.fatal], drift: [...verdict.drift] };
  });
};

/** Settings only a new topic can change (a config update cannot). */
const STRUCTURAL = new Set(['partitions', 'replication.factor']);

/**
 * Sets the configs of existing topics to their specs (AlterConfigs: the topic's overrides
 * become exactly the spec's). Partition counts and replication factors are not changed:
 * they are returned as what is left to do by hand.
 */
export const alignTopicConfigs = async (
  admin: Admin,
  specs: readonly TopicSpec[],
): Promise<{ fixed: TopicProblem[]; left: TopicProblem[] }> => {
  const fixed: TopicProblem[] = [];
  const left: TopicProblem[] = [];
  for (const { spec, exists, fatal, drift } of await checkTopics(admin, specs)) {
    if (!exists) continue;
    const problems = [...fatal, ...drift];
    left.push(...problems.filter((problem) => STRUCTURAL.has(problem.setting)));
    const configProblems = problems.filter((problem) => !STRUCTURAL.has(problem.setting));
    if (configProblems.length === 0) continue;
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2 /* TOPIC */,
          name: spec.topic,
          configEntries: (spec.configEntries ?? []).map((entry) => ({ ...entry })),
        },
      ],
    });
    fixed.push(...configProblems);
  }
  return { fixed, left };
};

/** The topics exist with settings the fleet refuses to run with: retrying does not help. */
export const isTopicRefusal = (
  error: unknown,
): error is UnsafeTopicSettingsError | TopicMismatchError =>
  error instanceof UnsafeTopicSettingsError || error instanceof TopicMismatchError;

/** kafkajs' protocol error for it, thrown as is or as the cause of a retrier's error. */
export const isNotServedYet = (error: unknown): boolean => {
  const { type, cause } = (error ?? {}) as { type?: unknown; cause?: { type?: unknown } };
  return type === 'UNKNOWN_TOPIC_OR_PARTITION' || cause?.type === 'UNKNOWN_TOPIC_OR_PARTITION';
};
