import type { TopicSpec } from '@qf/contracts';

/** What an existing topic looks like on the cluster. */
export interface ExistingTopic {
  readonly partitions: number;
  /** The smallest replica count of its partitions. */
  readonly replicationFactor: number;
  /** Effective configs (the broker's defaults included), by name. */
  readonly configs: Readonly<Record<string, string>>;
}

/** One setting of an existing topic that differs from its spec. */
export interface TopicProblem {
  readonly topic: string;
  readonly setting: string;
  readonly expected: string;
  readonly actual: string;
  /** Why it matters, in words an operator can act on. */
  readonly consequence: string;
}

/** Problems that stop a service (history could be lost, or partitioning broken), and the rest. */
export interface TopicVerdict {
  readonly fatal: readonly TopicProblem[];
  readonly drift: readonly TopicProblem[];
}

const expectedConfig = (spec: TopicSpec, name: string): string | undefined =>
  spec.configEntries?.find((entry) => entry.name === name)?.value;

const describeMs = (value: string): string => {
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) return value;
  const days = ms / 86_400_000;
  return days >= 1
    ? `${Number(days.toFixed(1))} days`
    : `${Number((ms / 3_600_000).toFixed(1))} hours`;
};

/** Why a setting of a history topic would lose history, or undefined when it would not. */
const historyRisk = (name: string, actual: string, expected: string): string | undefined => {
  switch (name) {
    case 'retention.ms':
      return actual === '-1' ? undefined : `records older than ${describeMs(actual)} are deleted`;
    case 'retention.bytes':
      return actual === '-1'
        ? undefined
        : `the oldest records are deleted past ${actual} bytes per partition`;
    case 'cleanup.policy':
      return actual.split(',').includes('compact')
        ? 'compaction keeps only the newest record of each player'
        : undefined;
    case 'unclean.leader.election.enable':
      return actual === 'true'
        ? 'a replica that missed acknowledged writes may become leader'
        : undefined;
    case 'min.insync.replicas':
      return Number(actual) < Number(expected)
        ? 'an acknowledged write may exist on fewer replicas than a broker failure needs'
        : undefined;
    default:
      return undefined;
  }
};

/**
 * Compares an existing topic with its spec. For a topic that keeps history (the event
 * store, the audit topic), any setting that can delete or lose records is fatal; so is a
 * partition count a write-path topic cannot work with. Everything else is drift.
 */
export const checkTopic = (spec: TopicSpec, actual: ExistingTopic): TopicVerdict => {
  const fatal: TopicProblem[] = [];
  const drift: TopicProblem[] = [];
  const problem = (setting: string, expected: string, found: string, consequence: string) =>
    ({ topic: spec.topic, setting, expected, actual: found, consequence }) satisfies TopicProblem;

  if (actual.partitions !== spec.numPartitions) {
    const anyCount = spec.partitionsMustMatch === false;
    const entry = problem(
      'partitions',
      String(spec.numPartitions),
      String(actual.partitions),
      anyCount
        ? 'differs from the fleet topic specification (this topic works with any count)'
        : 'partitioning by player id needs the same count on every write-path topic',
    );
    (anyCount ? drift : fatal).push(entry);
  }
  if (spec.replicationFactor !== undefined && actual.replicationFactor < spec.replicationFactor) {
    const entry = problem(
      'replication.factor',
      String(spec.replicationFactor),
      String(actual.replicationFactor),
      'one lost broker disk loses the records only it holds',
    );
    (spec.keepsHistory ? fatal : drift).push(entry);
  }
  for (const { name, value: expected } of spec.configEntries ?? []) {
    const found = actual.configs[name];
    if (found === undefined || found === expected) continue;
    const risk = spec.keepsHistory ? historyRisk(name, found, expected) : undefined;
    if (risk) fatal.push(problem(name, expected, found, risk));
    else drift.push(problem(name, expected, found, 'differs from the fleet topic specification'));
  }
  // Settings the spec does not name but that would still lose history on a store of record.
  if (spec.keepsHistory) {
    for (const name of [
      'retention.ms',
      'retention.bytes',
      'cleanup.policy',
      'unclean.leader.election.enable',
    ]) {
      if (expectedConfig(spec, name) !== undefined) continue;
      const found = actual.configs[name];
      const risk = found === undefined ? undefined : historyRisk(name, found, '');
      if (risk) fatal.push(problem(name, '(history kept)', found as string, risk));
    }
  }
  return { fatal, drift };
};

/** One line per problem, naming the topic, the setting and what to do. */
export const describeProblems = (problems: readonly TopicProblem[]): string =>
  problems
    .map((p) => `${p.topic}: ${p.setting}=${p.actual} (expected ${p.expected}): ${p.consequence}`)
    .join('\n  ');
