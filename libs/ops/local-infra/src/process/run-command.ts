import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** Runs a build/install step to completion, output to `logFile`; throws naming the step and the log. */
export const runToCompletion = (
  step: string,
  command: string,
  args: readonly string[],
  { cwd, logFile, env }: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): Promise<void> =>
  new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
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
      else reject(new Error(`${step} failed (exit ${code ?? signal}); see ${logFile}`));
    });
  });
