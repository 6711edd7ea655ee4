import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../../..');

/** The commit the current code must stay compatible with, from tools/previous-release.json. */
export const previousReleaseCommit = (): string => {
  const file = path.join(repoRoot, 'tools', 'previous-release.json');
  const { commit } = JSON.parse(fs.readFileSync(file, 'utf8')) as { commit?: unknown };
  if (typeof commit !== 'string' || commit === '') throw new Error(`${file} names no commit`);
  try {
    return execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], {
      cwd: repoRoot,
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(
      `${file} names commit ${commit}, which this clone does not have (a shallow clone? run git fetch --unshallow)`,
    );
  }
};

/**
 * The previous release's source tree, exported with `git archive` into .local/cache/releases
 * (kept between runs) and sharing this checkout's node_modules: its services run exactly
 * the code that was released, through its own tools/run-service.js (compiled into its dist/).
 */
export const previousReleaseTree = (): { commit: string; root: string } => {
  const commit = previousReleaseCommit();
  const root = path.join(repoRoot, '.local', 'cache', 'releases', commit);
  const done = path.join(root, '.exported');
  if (!fs.existsSync(done)) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', commit], {
      cwd: repoRoot,
      maxBuffer: 512 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
    fs.writeFileSync(done, `${new Date().toISOString()}\n`);
  }
  return { commit, root };
};
