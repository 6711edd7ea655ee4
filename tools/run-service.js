#!/usr/bin/env node
'use strict';
// Starts one service: `node tools/run-service.js apps/projector/src/main.ts`. Used by the
// fleet launcher (pm2 runs this plain JS file), benchmarks, tests and the Docker image.
// It runs the compiled output in dist/ (built by tools/build.js first when a source is
// newer), not the sources through a transpiler: no compile on every start, no source-map
// support in the hot path. QF_RUNTIME=source runs the TypeScript through tools/register.js
// instead (development: stack traces with source lines).
const path = require('node:path');

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/run-service.js <apps/NAME/src/main.ts>');
  process.exit(2);
}

if (process.env.QF_CPU_PROFILE) {
  const name = process.env.QF_SERVICE ?? path.basename(path.dirname(path.dirname(entry)));
  require('./cpu-profile').start(path.resolve(process.env.QF_CPU_PROFILE), name);
}

// The service sees the arguments after the entry as `node <entry> <args>` would give them.
const run = (file) => {
  process.argv.splice(1, 2, file);
  require(file);
};

if (process.env.QF_RUNTIME === 'source') {
  require('./register');
  run(path.resolve(__dirname, '..', entry));
} else {
  const { build, distPathOf } = require('./build');
  build().then(
    () => run(distPathOf(entry)),
    (error) => {
      console.error(`could not build dist/ for ${entry}: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
