import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runToCompletion } from './run-command';

/** A step that writes three lines to its output and exits with `code`. */
const writeAndExit = (code: number) => [
  '-e',
  `console.log('formatting'); console.error('Error: storage is broken'); console.log('bye'); process.exit(${code})`,
];

describe('runToCompletion', () => {
  let dir: string;
  let logFile: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qf-run-command-'));
    logFile = path.join(dir, 'step.log');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('quotes the end of the log when the step exits non-zero', async () => {
    fs.writeFileSync(logFile, 'an earlier run, not quoted\n');
    const failure = runToCompletion('test: a failing step', process.execPath, writeAndExit(1), {
      cwd: dir,
      logFile,
    });
    await expect(failure).rejects.toThrow(
      [
        `test: a failing step failed (exit 1); the last 3 lines of ${logFile}:`,
        '    | formatting',
        '    | Error: storage is broken',
        '    | bye',
      ].join('\n'),
    );
    await expect(failure).rejects.not.toThrow(/earlier run/);
  });

  it('resolves when the step exits 0, its output in the log', async () => {
    await runToCompletion('test: a good step', process.execPath, writeAndExit(0), {
      cwd: dir,
      logFile,
    });
    expect(fs.readFileSync(logFile, 'utf8')).toContain('storage is broken');
  });
});
