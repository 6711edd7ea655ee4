import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@qf/shared-config';

const MARKER = '--qf-loaded-modules--';

/**
 * The files a fresh Node process loads when it requires `entry` (a TypeScript file, run
 * through tools/register.js), relative to the repository root: what a process started from
 * that entry carries, for tests that keep a role's process free of code it does not run.
 * With `importsOnly`, the process requires what the entry imports but not the entry itself
 * (a main.ts that would start the service). A separate process, because Jest's module
 * registry is not Node's require cache.
 */
export const loadedModules = (entry: string, options: { importsOnly?: boolean } = {}): string[] => {
  const file = path.resolve(repoRoot, entry);
  const targets = options.importsOnly
    ? [...fs.readFileSync(file, 'utf8').matchAll(/^import (?:[^;]*? from )?'([^']+)';/gm)].map(
        ([, specifier]) =>
          specifier?.startsWith('.') ? path.resolve(path.dirname(file), specifier) : specifier,
      )
    : [file];
  const script = [
    "require('./tools/register');",
    "require('reflect-metadata');",
    ...targets.map((target) => `require(${JSON.stringify(target)});`),
    `process.stdout.write(${JSON.stringify(MARKER)} + JSON.stringify(Object.keys(require.cache)));`,
  ].join('\n');
  const output = execFileSync(process.execPath, ['-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const files = JSON.parse(output.slice(output.lastIndexOf(MARKER) + MARKER.length)) as string[];
  return files.map((loaded) => path.relative(repoRoot, loaded));
};

/** The npm packages among loaded modules (`kafkajs`, `@nestjs/core` …). */
export const loadedPackages = (modules: readonly string[]): Set<string> =>
  new Set(
    modules.flatMap((file) => {
      const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      return match?.[1] ? [match[1]] : [];
    }),
  );
