#!/usr/bin/env node
'use strict';
// The `qf` CLI. It runs from dist/ (compiled by tools/build.js, which first brings dist/ up
// to date with the sources: cheap when nothing changed), so the load generator and the
// tools it starts spend no CPU compiling TypeScript. QF_RUNTIME=source runs the sources
// through tools/register.js instead.
const path = require('node:path');

if (process.env.QF_RUNTIME === 'source') {
  require('../tools/register');
  require('../apps/qf/src/main.ts');
} else {
  const { build, distPathOf } = require('../tools/build');
  build({ log: (line) => process.stderr.write(`${line}\n`) }).then(
    () => require(distPathOf(path.join('apps', 'qf', 'src', 'main.ts'))),
    (error) => {
      process.stderr.write(`qf: could not build dist/: ${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
