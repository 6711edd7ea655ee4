import type { DeadLetter, DeadLetterSnapshot, LetterAction, LetterStatus } from '@qf/dead-letters';
import { letterId } from '@qf/dead-letters';

type Shown = DeadLetter & { readonly status: LetterStatus };

const cut = (value: string, width: number): string =>
  value.length > width ? `${value.slice(0, width - 1)}…` : value;

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (row: string[]) =>
    row
      .map((value, column) => value.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
};

/** The letters as a table, one per line, oldest first. */
export const letterTable = (letters: readonly Shown[]): string =>
  table(
    ['LETTER', 'DEAD-LETTERED', 'TYPE', 'PLAYER', 'CODE', 'STATUS', 'SOURCE', 'MESSAGE'],
    letters.map((letter) => [
      letterId(letter),
      new Date(letter.deadLetteredAt).toISOString(),
      letter.type ?? '-',
      letter.key ?? '-',
      letter.error.code,
      letter.redriveCount > 0
        ? `${letter.status} (redriven ${letter.redriveCount}x before)`
        : letter.status,
      letter.source.topic === null
        ? '-'
        : `${letter.source.topic}/${letter.source.partition}:${letter.source.offset}`,
      cut(letter.error.message, 60),
    ]),
  );

/** One line: how many letters the DLQ retains, by status. */
export const letterCounts = (snapshot: DeadLetterSnapshot): string => {
  const counts: Record<LetterStatus, number> = { open: 0, redriven: 0, purged: 0 };
  for (const letter of snapshot.letters) counts[letter.status] += 1;
  return `${snapshot.topic} retains ${snapshot.letters.length} letters: ${counts.open} open, ${counts.redriven} redriven, ${counts.purged} purged`;
};

const valueText = (value: Buffer | null): string => {
  if (value === null) return '(null: a tombstone)';
  const text = value.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** Everything about one letter, for `qf dlq show`. */
export const letterDetail = (letter: Shown, action: LetterAction | undefined): string => {
  const lines = [
    `letter        ${letter.topic} ${letterId(letter)}`,
    `status        ${letter.status}${action ? ` (${action.at} by ${action.by}${action.to ? ` -> ${action.to.topic}/${action.to.partition}:${action.to.offset}` : ''})` : ''}`,
    `dead-lettered ${new Date(letter.deadLetteredAt).toISOString()}`,
    `source        ${letter.source.topic ?? '-'} partition ${letter.source.partition ?? '-'} offset ${letter.source.offset ?? '-'}`,
    `key (player)  ${letter.key ?? '-'}`,
    `type          ${letter.type ?? '-'}`,
    `error code    ${letter.error.code}${letter.error.retriable === undefined ? '' : ` (retriable: ${letter.error.retriable})`}`,
    `error         ${letter.error.message}`,
  ];
  if (letter.error.details !== undefined)
    lines.push(`details       ${JSON.stringify(letter.error.details)}`);
  if (letter.redriveCount > 0)
    lines.push(`redriven      ${letter.redriveCount} time(s) before this failure`);
  lines.push('headers');
  for (const [name, value] of Object.entries(letter.headers)) lines.push(`  ${name}: ${value}`);
  lines.push('value', valueText(letter.value));
  return lines.join('\n');
};

/** A letter as JSON (the value as text, parsed when it is JSON). */
export const letterJson = (letter: Shown, action?: LetterAction): Record<string, unknown> => {
  const { value, ...rest } = letter;
  let parsed: unknown = value === null ? null : value.toString('utf8');
  try {
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
  } catch {
    // Not JSON: kept as text.
  }
  return {
    id: letterId(letter),
    ...rest,
    deadLetteredAt: new Date(letter.deadLetteredAt).toISOString(),
    value: parsed,
    ...(action && { action }),
  };
};
