import { spawn } from 'node:child_process';
import { repoRoot } from '@qf/shared-config';

/** What a finished `qf` run printed, and how it exited. */
export interface QfRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `qf` CLI (`node bin/qf.js <args>`) from the repository root as a user would,
 * with env added to this process's environment; resolves once it has closed its output.
 */
export const runQf = (args: readonly string[], env: Readonly<Record<string, string>> = {}) =>
  new Promise<QfRun>((resolve) => {
    const child = spawn(process.execPath, ['bin/qf.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
