#!/usr/bin/env node
'use strict';
// `npm run build`: compiles apps/, libs/ and bench/ (TypeScript, specs excluded) with SWC
// into dist/, mirroring the source tree, with the same .swcrc as Jest and tools/register.js.
// `@qf/*` imports are rewritten to relative paths at build time, so the compiled services
// need no resolver and no transpiler at run time (and run without source-map support: the
// .js.map files are written for `node --enable-source-maps` when debugging).
//
// Incremental and safe to run concurrently: only sources newer than their output are
// compiled, every file is written to a temporary name and renamed into place, and outputs
// whose source is gone are removed. A change of the compiler settings (.swcrc, the aliases
// in tsconfig.base.json, this file, the SWC version) recompiles everything.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { root, readAliases, resolveAlias } = require('./paths');

const SOURCE_DIRS = ['apps', 'libs', 'bench'];
const DIST = path.join(root, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
/** Files copied as they are: read at run time relative to the compiled code. */
const ASSET = /\.proto$/;
const isSource = (file) =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.(unit|int|e2e)\.spec\.ts$/.test(file);

const walk = (dir, out = []) => {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
};

/** Where the output of a source file goes. */
const outputOf = (source) => {
  const relative = path.relative(root, source);
  return path.join(DIST, isSource(source) ? relative.replace(/\.ts$/, '.js') : relative);
};

/** The compiled file of a source path (e.g. an entry point 'apps/x/src/main.ts'). */
const distPathOf = (sourcePath) => outputOf(path.resolve(root, sourcePath));

const mtimeOf = (file) => {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
};

const settingsHash = () => {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(path.join(root, '.swcrc')));
  hash.update(JSON.stringify(readAliases()));
  hash.update(fs.readFileSync(path.join(__dirname, 'build.js')));
  hash.update(require('@swc/core/package.json').version);
  return hash.digest('hex');
};

const writeAtomically = (file, content) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
};

/** `require("@qf/x")` becomes a relative require of x's compiled entry point. */
const rewriteAliases = (code, outFile, aliases) =>
  code.replace(/require\((["'])(@qf\/[^"']+)\1\)/g, (_match, quote, specifier) => {
    const target = resolveAlias(specifier, aliases);
    if (!target)
      throw new Error(`${outFile}: unknown import alias ${specifier} (tsconfig.base.json paths)`);
    let relative = path.relative(path.dirname(outFile), outputOf(target)).split(path.sep).join('/');
    if (!relative.startsWith('.')) relative = `./${relative}`;
    return `require(${quote}${relative}${quote})`;
  });

const swcOptions = () => {
  const options = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
  delete options.$schema;
  return { ...options, swcrc: false, sourceMaps: true };
};

const compile = async (swc, options, aliases, source) => {
  const outFile = outputOf(source);
  const result = await swc.transform(fs.readFileSync(source, 'utf8'), {
    ...options,
    filename: source,
    sourceFileName: path.relative(path.dirname(outFile), source).split(path.sep).join('/'),
  });
  const mapName = `${path.basename(outFile)}.map`;
  writeAtomically(
    outFile,
    `${rewriteAliases(result.code, outFile, aliases)}\n//# sourceMappingURL=${mapName}\n`,
  );
  if (result.map) writeAtomically(`${outFile}.map`, result.map);
};

/** Sources (and assets) whose output is missing or older, given whether the settings changed. */
const plan = () => {
  const hash = settingsHash();
  let stamp;
  try {
    stamp = fs.readFileSync(STAMP, 'utf8');
  } catch {
    stamp = undefined;
  }
  const all = SOURCE_DIRS.flatMap((dir) => walk(path.join(root, dir))).filter(
    (file) => isSource(file) || ASSET.test(file),
  );
  const stale = all.filter((file) => {
    if (stamp !== hash) return true;
    const out = mtimeOf(outputOf(file));
    return out === undefined || out < mtimeOf(file);
  });
  return { hash, all, stale, settingsChanged: stamp !== hash };
};

/** Outputs under dist/ whose source no longer exists. */
const orphans = (all) => {
  const expected = new Set(all.map(outputOf));
  return walk(DIST).filter((file) => {
    if (file.endsWith('.tmp')) return false;
    const base = file.endsWith('.js.map') ? file.slice(0, -'.map'.length) : file;
    return !expected.has(base);
  });
};

/**
 * Brings dist/ up to date with the sources; resolves with what it did. Cheap when nothing
 * changed (one stat per source file).
 */
const build = async ({ log = () => undefined } = {}) => {
  const started = Date.now();
  const { hash, all, stale, settingsChanged } = plan();
  const removed = orphans(all);
  for (const file of removed) fs.rmSync(file, { force: true });
  if (stale.length > 0) {
    const swc = require('@swc/core');
    const options = swcOptions();
    const aliases = readAliases();
    log(
      `build: compiling ${stale.length} of ${all.length} files into dist/${settingsChanged ? ' (compiler settings changed)' : ''}…`,
    );
    let next = 0;
    const worker = async () => {
      while (next < stale.length) {
        const file = stale[next++];
        if (ASSET.test(file)) writeAtomically(outputOf(file), fs.readFileSync(file));
        else await compile(swc, options, aliases, file);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    writeAtomically(STAMP, hash);
  }
  return {
    compiled: stale.length,
    removed: removed.length,
    total: all.length,
    ms: Date.now() - started,
  };
};

/** Whether dist/ is behind the sources (for `--check`). */
const isStale = () => {
  const { all, stale } = plan();
  return stale.length > 0 || orphans(all).length > 0;
};

module.exports = { build, isStale, distPathOf, rewriteAliases, DIST };

if (require.main === module) {
  const check = process.argv.includes('--check');
  if (check) {
    const stale = isStale();
    process.stdout.write(
      stale ? 'dist/ is out of date: run npm run build\n' : 'dist/ is up to date\n',
    );
    process.exit(stale ? 1 : 0);
  }
  build({ log: (line) => process.stderr.write(`${line}\n`) }).then(
    ({ compiled, removed, total, ms }) =>
      process.stdout.write(
        `dist/: ${compiled} compiled, ${removed} removed, ${total - compiled} up to date (${ms} ms)\n`,
      ),
    (error) => {
      process.stderr.write(`build failed: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
