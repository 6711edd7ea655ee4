#!/usr/bin/env node
// Lints probe sources as if they stood at the given paths, for tools/layering.unit.spec.ts:
// one process, so the Nx project graph behind the module-boundary rule is built once.
// stdin: [{ "file": "libs/…/probe.ts", "source": "…" }, …]; stdout, after RESULT_MARKER:
// for each probe, the messages of @nx/enforce-module-boundaries. Anything else a plugin
// prints to stdout (e.g. Nx warnings on a fresh clone) comes before the marker.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ESLint } = require('eslint');

const RESULT_MARKER = '@@lint-probes@@';
const root = path.resolve(__dirname, '..');

const main = async () => {
  // The boundary rule reads Nx's cached project graph and is silently skipped without one
  // (a fresh clone): build it first, as `npm run lint` does.
  execFileSync(process.execPath, [require.resolve('nx/bin/nx.js'), 'show', 'projects'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    stdio: 'ignore',
  });
  const probes = JSON.parse(fs.readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: root });
  const results = [];
  for (const { file, source } of probes) {
    const [report] = await eslint.lintText(source, { filePath: path.join(root, file) });
    results.push(
      (report?.messages ?? [])
        .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
        .map((message) => message.message),
    );
  }
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(results)}\n`);
};

if (require.main === module)
  main().catch((error) => {
    process.stderr.write(`lint-probes: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });

module.exports = { RESULT_MARKER };
