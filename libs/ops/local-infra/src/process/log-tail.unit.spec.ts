import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithLogTail, LOG_TAIL_LINES, lastLines, readLogTail } from './log-tail';

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe('lastLines', () => {
  it('keeps only the last lines, in order', () => {
    expect(lastLines(`${numbered(1, 100).join('\n')}\n`)).toEqual(
      numbered(100 - LOG_TAIL_LINES + 1, 100),
    );
    expect(lastLines('a\nb\nc', 2)).toEqual(['b', 'c']);
  });

  it('counts a final newline as the end of the last line, not an empty line after it', () => {
    expect(lastLines('a\nb\n', 5)).toEqual(['a', 'b']);
    expect(lastLines('a\r\nb\r\n', 5)).toEqual(['a', 'b']);
  });

  it('gives nothing for an empty text or no lines asked', () => {
    expect(lastLines('')).toEqual([]);
    expect(lastLines('a\nb', 0)).toEqual([]);
  });

  it('cuts a very long line', () => {
    const [line] = lastLines('x'.repeat(2000));
    expect(line).toBe(`${'x'.repeat(500)}…`);
  });
});

describe('describeWithLogTail', () => {
  it('quotes the tail under the summary, naming the log', () => {
    expect(
      describeWithLogTail('kafka: format storage of node 1 failed (exit 1)', '/l/kafka-1.log', [
        'Exception in thread "main" java.lang.RuntimeException: bad config',
        '\tat kafka.tools.StorageTool$.main(StorageTool.scala:52)',
      ]),
    ).toBe(
      [
        'kafka: format storage of node 1 failed (exit 1); the last 2 lines of /l/kafka-1.log:',
        '    | Exception in thread "main" java.lang.RuntimeException: bad config',
        '    | \tat kafka.tools.StorageTool$.main(StorageTool.scala:52)',
      ].join('\n'),
    );
  });

  it('says "line" for one line', () => {
    expect(describeWithLogTail('redis failed', '/l/r.log', ['oops'])).toBe(
      'redis failed; the last line of /l/r.log:\n    | oops',
    );
  });

  it('says when the log is missing or nothing was written to it', () => {
    expect(describeWithLogTail('mongo failed', '/l/m.log', undefined)).toBe(
      'mongo failed; no log at /l/m.log',
    );
    expect(describeWithLogTail('mongo failed', '/l/m.log', [])).toBe(
      'mongo failed; nothing written to its log /l/m.log',
    );
  });
});

describe('readLogTail', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-log-tail-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the last lines of a log file', () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, `${numbered(1, 50).join('\n')}\n`);
    expect(readLogTail(file, { maxLines: 3 })).toEqual(numbered(48, 50));
  });

  it('ignores what was in the log before `fromByte` (an earlier run)', () => {
    const file = path.join(dir, 'a.log');
    fs.writeFileSync(file, 'earlier run\n');
    const fromByte = fs.statSync(file).size;
    fs.appendFileSync(file, 'this run\n');
    expect(readLogTail(file, { fromByte })).toEqual(['this run']);
    expect(readLogTail(file)).toEqual(['earlier run', 'this run']);
  });

  it('reads only the end of a big log, dropping the partial line it starts in', () => {
    const file = path.join(dir, 'big.log');
    fs.writeFileSync(file, `${numbered(1, 20_000).join('\n')}\n`);
    const tail = readLogTail(file, { maxLines: 100_000 }) ?? [];
    expect(tail.at(-1)).toBe('line 20000');
    expect(tail.length).toBeLessThan(20_000);
    expect(tail[0]).toMatch(/^line \d+$/);
    expect(Number(tail[0]?.slice(5)) + tail.length - 1).toBe(20_000);
  });

  it('gives undefined for a missing log', () => {
    expect(readLogTail(path.join(dir, 'none.log'))).toBeUndefined();
  });
});
