import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { failureWithLogTail } from './log-tail';

/**
 * Runs a build/install step to completion, output appended to `logFile`. A step that exits
 * non-zero throws naming the step and the log, and quoting what this run wrote at its end.
 */
export const runToCompletion = (
  step: string,
  command: string,
  args: readonly string[],
  { cwd, logFile, env }: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Promise<void> =>
  new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    // Earlier runs' output stays in the log; the error quotes only this run's.
    const startedAt = fs.fstatSync(out).size;
    const child = spawn(command, [...args], {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', out, out],
    });
    child.on('error', (error) => {
      fs.closeSync(out);
      reject(new Error(`${step} failed to start (${command}): ${error.message}; see ${logFile}`));
    });
    child.on('exit', (code, signal) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else
        reject(failureWithLogTail(`${step} failed (exit ${code ?? signal})`, logFile, startedAt));
    });
  });
