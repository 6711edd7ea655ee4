import type { Command } from 'commander';
import { topicNames } from '@qf/contracts';
import {
  DeadLetterQueue,
  isNarrowing,
  LetterFilterError,
  matchesFilter,
  parseLetterId,
  parseStatus,
  parseTime,
  purge,
  redrive,
  type DeadLetterSnapshot,
  type LetterFilter,
} from '@qf/dead-letters';
import { createKafka } from '@qf/shared-kafka';
import { letterCounts, letterDetail, letterJson, letterTable } from './dlq-format';
import { intInRange } from './parse-options';

interface FilterOptions {
  prefix?: string;
  type: string[];
  player: string[];
  code: string[];
  letter: string[];
  since?: string;
  until?: string;
  status?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const SHORT_NAMES = ['events', 'commands', 'audit'] as const;

/** `events`, `commands`, `audit` (with the run's prefix) or a full topic name. */
export const dlqTopic = (name: string, prefix: string): string => {
  const topics = topicNames(prefix);
  switch (name) {
    case 'events':
      return topics.eventsDeadLetter;
    case 'commands':
      return topics.commandsDeadLetter;
    case 'audit':
      return topics.crudAuditDeadLetter;
    default:
      return name;
  }
};

const filterOf = (options: FilterOptions, defaultStatus: string): LetterFilter => {
  try {
    return {
      types: options.type,
      players: options.player,
      codes: options.code,
      ids: options.letter.map(parseLetterId),
      ...(options.since !== undefined && { since: parseTime('--since', options.since) }),
      ...(options.until !== undefined && { until: parseTime('--until', options.until) }),
      statuses: parseStatus(options.status ?? defaultStatus),
    };
  } catch (error) {
    // Thrown from an action, so main prints it (a commander error would exit silently).
    if (error instanceof LetterFilterError) throw new Error(error.message);
    throw error;
  }
};

const withFilters = (command: Command, statusHelp: string): Command =>
  command
    .argument(
      '<topic>',
      `the dead-letter topic: ${SHORT_NAMES.join(', ')} (with --prefix) or a full topic name`,
    )
    .option('--prefix <prefix>', 'topic prefix of the run (default $QF_TOPIC_PREFIX)')
    .option('--type <type>', 'event or command type (repeatable)', collect, [])
    .option('--player <id>', 'player id, the record key (repeatable)', collect, [])
    .option('--code <code>', 'error code, e.g. EVENT.UNSUPPORTED_SCHEMA (repeatable)', collect, [])
    .option('--letter <partition:offset>', 'one letter as list prints it (repeatable)', collect, [])
    .option(
      '--since <time>',
      'dead-lettered at or after: ISO-8601 or a duration back from now (15m, 2h, 7d)',
    )
    .option('--until <time>', 'dead-lettered before: ISO-8601 or a duration back from now')
    .option('--status <status>', statusHelp);

/** Opens the queue named by the arguments, runs work, and closes the clients. */
const withQueue = async <T>(
  name: string,
  options: FilterOptions,
  work: (queue: DeadLetterQueue) => Promise<T>,
): Promise<T> => {
  const kafka = createKafka('qf-dlq');
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await work(
      new DeadLetterQueue(
        kafka,
        admin,
        dlqTopic(name, options.prefix ?? process.env['QF_TOPIC_PREFIX'] ?? ''),
      ),
    );
  } finally {
    await admin.disconnect();
  }
};

const selected = (snapshot: DeadLetterSnapshot, filter: LetterFilter) =>
  snapshot.letters.filter((letter) => matchesFilter(filter, letter, letter.status));

const progress = (verb: string) => {
  const started = Date.now();
  return (done: number, total: number) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    process.stderr.write(`${verb} ${done}/${total} letters, ${rate.toFixed(0)}/s, ETA ${eta}s\n`);
  };
};

/** After a redrive or purge: cut the handled prefix off the DLQ and say what is left. */
const truncateAndReport = async (
  queue: DeadLetterQueue,
  json: boolean | undefined,
  result: Record<string, unknown>,
) => {
  const after = await queue.read();
  const deleted = await queue.truncateHandled(after, new Set());
  const removed = [...deleted.values()].reduce((sum, count) => sum + count, 0n);
  const final = removed > 0n ? await queue.read() : after;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ ...result, truncatedRecords: Number(removed), remaining: letterCounts(final) }, null, 2)}\n`,
    );
  else
    process.stdout.write(
      `${removed > 0n ? `deleted ${removed} handled records from the head of ${queue.topic}\n` : ''}${letterCounts(final)}\n`,
    );
};

/** `qf dlq list`: the letters of a DLQ, oldest first, with filters. */
const registerDlqList = (dlq: Command): void => {
  withFilters(dlq.command('list'), 'open, redriven, purged or all (default open)')
    .description('list the letters of a dead-letter topic, oldest first')
    .option(
      '--limit <n>',
      'show at most n letters (the oldest)',
      intInRange('--limit', 1, 1_000_000),
      100,
    )
    .option('--json', 'print JSON')
    .action(async (name: string, options: FilterOptions & { limit: number }) => {
      const filter = filterOf(options, 'open');
      await withQueue(name, options, async (queue) => {
        const snapshot = await queue.read();
        const letters = selected(snapshot, filter);
        const shown = letters.slice(0, options.limit);
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ topic: snapshot.topic, matched: letters.length, letters: shown.map((letter) => letterJson(letter)) }, null, 2)}\n`,
          );
          return;
        }
        if (shown.length > 0) process.stdout.write(`${letterTable(shown)}\n\n`);
        const more =
          letters.length > shown.length ? ` (first ${shown.length} shown; --limit for more)` : '';
        process.stdout.write(`${letters.length} letters match${more}\n${letterCounts(snapshot)}\n`);
      });
    });
};

/** `qf dlq show`: one letter in full. */
const registerDlqShow = (dlq: Command): void => {
  dlq
    .command('show')
    .description(
      'everything about one letter: error, source, headers, value, and what was done with it',
    )
    .argument('<topic>', `the dead-letter topic: ${SHORT_NAMES.join(', ')} or a full topic name`)
    .argument('<letter>', 'partition:offset, as list prints it')
    .option('--prefix <prefix>', 'topic prefix of the run (default $QF_TOPIC_PREFIX)')
    .option('--json', 'print JSON')
    .action(async (name: string, id: string, options: FilterOptions) => {
      let letterKey: string;
      try {
        letterKey = parseLetterId(id);
      } catch (error) {
        throw new Error((error as Error).message);
      }
      await withQueue(
        name,
        { ...options, type: [], player: [], code: [], letter: [] },
        async (queue) => {
          const snapshot = await queue.read();
          const letter = snapshot.letters.find(
            (entry) => `${entry.partition}:${entry.offset}` === letterKey,
          );
          if (!letter)
            throw new Error(
              `${queue.topic} retains no letter ${letterKey} (qf dlq list ${name} --status all lists them)`,
            );
          const action = snapshot.actions.get(letterKey);
          process.stdout.write(
            `${options.json ? JSON.stringify(letterJson(letter, action), null, 2) : letterDetail(letter, action)}\n`,
          );
        },
      );
    });
};

/** `qf dlq redrive`: matching letters back to their source topic. */
const registerDlqRedrive = (dlq: Command): void => {
  withFilters(dlq.command('redrive'), 'which letters to send again (default open)')
    .description(
      'send matching letters back to their source topic and partition (same key, value and headers), recorded as redriven',
    )
    .option('--to <topic>', 'send them to this topic instead (partition by key)')
    .option('--dry-run', 'only say what would be redriven')
    .option('--json', 'print JSON')
    .action(async (name: string, options: FilterOptions & { to?: string; dryRun?: boolean }) => {
      const filter = filterOf(options, 'open');
      await withQueue(name, options, async (queue) => {
        const letters = selected(await queue.read(), filter);
        if (options.dryRun || letters.length === 0) {
          process.stdout.write(
            `${letters.length} letters would be redriven${letters.length > 0 ? `:\n${letterTable(letters)}` : ''}\n`,
          );
          return;
        }
        const sent = await redrive(queue, letters, {
          ...(options.to !== undefined && { to: options.to }),
          ...(letters.length > 500 && { onProgress: progress('redrove') }),
        });
        if (!options.json) {
          const targets = [...new Set(sent.map((entry) => entry.topic))].join(', ');
          process.stdout.write(`redrove ${sent.length} letters to ${targets}\n`);
        }
        await truncateAndReport(queue, options.json, { redriven: sent });
      });
    });
};

/** `qf dlq purge`: giving up on matching letters. */
const registerDlqPurge = (dlq: Command): void => {
  withFilters(dlq.command('purge'), 'which letters to purge (default open)')
    .description(
      'give up on matching letters: recorded as purged, and deleted once no open letter precedes them',
    )
    .option(
      '--all',
      'purge every letter that matches the status (required when no other filter is given)',
    )
    .option('--dry-run', 'only say what would be purged')
    .option('--json', 'print JSON')
    .action(async (name: string, options: FilterOptions & { all?: boolean; dryRun?: boolean }) => {
      const filter = filterOf(options, 'open');
      if (!options.all && !isNarrowing(filter))
        throw new Error(
          'purge needs a filter (--type, --player, --code, --letter, --since, --until) or --all',
        );
      await withQueue(name, options, async (queue) => {
        const letters = selected(await queue.read(), filter);
        if (options.dryRun || letters.length === 0) {
          process.stdout.write(
            `${letters.length} letters would be purged${letters.length > 0 ? `:\n${letterTable(letters)}` : ''}\n`,
          );
          return;
        }
        const count = await purge(queue, letters);
        if (!options.json) process.stdout.write(`purged ${count} letters\n`);
        await truncateAndReport(queue, options.json, {
          purged: letters.map((letter) => `${letter.partition}:${letter.offset}`),
        });
      });
    });
};

/**
 * `qf dlq list|show|redrive|purge <topic>`: the dead letters of the projector
 * (`events`), the command processor (`commands`) or the audit consumer (`audit`), with
 * filters by type, player, error code and time. What was done with each letter is kept
 * in `<dlq>.actions`; the DLQ is truncated past every handled letter at its head.
 */
export const registerDlqCommands = (program: Command): void => {
  const dlq = program
    .command('dlq')
    .description(
      'dead letters: list, show, redrive (back to their source topic) or purge, with filters',
    );
  registerDlqList(dlq);
  registerDlqShow(dlq);
  registerDlqRedrive(dlq);
  registerDlqPurge(dlq);
};
