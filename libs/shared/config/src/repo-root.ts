import fs from 'node:fs';
import path from 'node:path';

/**
 * The nearest directory at or above `from` that holds a package.json. Code runs both from
 * its sources and compiled under dist/ (one level deeper), so paths to the checkout's files
 * (.local/, config/, node_modules/) are resolved from here rather than counted in `..`s.
 */
export const findRepoRoot = (from: string): string => {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
};

/** The checkout (or image directory) this code runs from. */
export const repoRoot: string = findRepoRoot(__dirname);
