import { execFile } from 'node:child_process';

/** Runs a command to completion and answers its stdout; an error names the command and ends with its stderr. */
export const runCapturing = (
  command: string,
  args: readonly string[],
  { cwd, env, input }: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      command,
      [...args],
      { cwd, env: env ?? process.env, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const tail = `${stderr}`.trim().split('\n').slice(-15).join('\n');
        reject(
          new Error(
            `${command} ${args.slice(0, 3).join(' ')} failed (${error.code ?? error.signal ?? error.message})${tail ? `:\n${tail}` : ''}`,
          ),
        );
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
