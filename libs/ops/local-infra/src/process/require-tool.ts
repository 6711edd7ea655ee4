import { spawnSync } from 'node:child_process';

/** True when `tool` is on the PATH. */
export const hasTool = (tool: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** Throws a message naming the missing tool and how to get it. */
export const requireTool = (tool: string, howToGet: string): void => {
  if (!hasTool(tool)) throw new Error(`\`${tool}\` is not installed: install ${howToGet}`);
};
