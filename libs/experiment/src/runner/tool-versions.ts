import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const packageVersion = (root: string, name: string): string => {
  try {
    return (
      JSON.parse(
        fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string }
    ).version;
  } catch {
    return 'unknown';
  }
};

/** The commit the run measured, `+changes` when the working tree differs from it. */
const gitRevision = (root: string): string => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
};

/** Versions of the measuring code: this project, its clients and the load generator's libraries. */
export const toolVersions = (root: string): Record<string, string> => {
  let own = 'unknown';
  try {
    own = (
      JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
    ).version;
  } catch {
    /* stays unknown */
  }
  return {
    'quest-fleet': `${own} (git ${gitRevision(root)})`,
    node: process.version,
    kafkajs: packageVersion(root, 'kafkajs'),
    mongodb: packageVersion(root, 'mongodb'),
    ioredis: packageVersion(root, 'ioredis'),
    undici: packageVersion(root, 'undici'),
    'hdr-histogram-js': packageVersion(root, 'hdr-histogram-js'),
    pm2: packageVersion(root, 'pm2'),
  };
};
