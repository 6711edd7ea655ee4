#!/usr/bin/env node
'use strict';
// Starts one service from its TypeScript entry point: `node tools/run-service.js apps/projector/src/main.ts`.
// Used by the fleet launcher (pm2 runs this plain JS file), tests and the Docker image.
const path = require('node:path');
require('./register');

const entry = process.argv[2];
if (!entry) {
  console.error('usage: node tools/run-service.js <apps/NAME/src/main.ts>');
  process.exit(2);
}
require(path.resolve(__dirname, '..', entry));
