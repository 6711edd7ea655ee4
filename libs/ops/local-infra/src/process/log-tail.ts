import fs from 'node:fs';

/** How many of a log's last lines a start failure quotes: enough for a Java stack trace's top. */
export const LOG_TAIL_LINES = 40;
/** Only this much of a log's end is read (a broker's log grows to megabytes). */
const TAIL_BYTES = 64 * 1024;
/** A longer line (a config dump, a JSON record) is cut to this many characters. */
const MAX_LINE_CHARS = 500;

/** The last `maxLines` lines of `text`, each cut to MAX_LINE_CHARS; a final newline ends a line. */
export const lastLines = (text: string, maxLines = LOG_TAIL_LINES): string[] => {
  if (maxLines <= 0 || text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines
    .slice(-maxLines)
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line));
};

/**
 * The last lines of a log file, counting only what was written from byte `fromByte` on (a
 * log appended to by several runs: the offset it had when this run started). Undefined
 * when the file does not exist or cannot be read.
 */
export const readLogTail = (
  logFile: string,
  { fromByte = 0, maxLines = LOG_TAIL_LINES }: { fromByte?: number; maxLines?: number } = {},
): string[] | undefined => {
  let fd: number;
  try {
    fd = fs.openSync(logFile, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(fromByte, size - TAIL_BYTES);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    fs.readSync(fd, buffer, 0, buffer.length, start);
    let text = buffer.toString('utf8');
    // Started mid-file: the first line is only the end of one.
    if (start > fromByte) text = text.slice(text.indexOf('\n') + 1);
    return lastLines(text, maxLines);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
};

/**
 * A failure's message with the end of its log quoted under it, each line behind `    | `
 * (so `infra up failed:` lists stay readable):
 *
 *     kafka: format storage of node 1 failed (exit 1); the last 2 lines of /x/infra-kafka-1.log:
 *         | Exception in thread "main" …
 *         | 	at kafka.tools.StorageTool…
 */
export const describeWithLogTail = (
  summary: string,
  logFile: string,
  tail: readonly string[] | undefined,
): string => {
  if (tail === undefined) return `${summary}; no log at ${logFile}`;
  if (tail.length === 0) return `${summary}; nothing written to its log ${logFile}`;
  const count = tail.length === 1 ? 'line' : `${tail.length} lines`;
  return `${summary}; the last ${count} of ${logFile}:\n${tail.map((line) => `    | ${line}`).join('\n')}`;
};

/** An Error for a step or server that failed, quoting the end of `logFile` (see describeWithLogTail). */
export const failureWithLogTail = (summary: string, logFile: string, fromByte = 0): Error =>
  new Error(describeWithLogTail(summary, logFile, readLogTail(logFile, { fromByte })));
