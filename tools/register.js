'use strict';
// Lets Node run the TypeScript sources directly (`node -r ./tools/register.js app.ts`):
// SWC compiles each file on load with the same .swcrc Jest uses (decorator metadata for
// Nest), and `@qf/*` aliases resolve through tsconfig.base.json, so there is no separate
// build step to forget.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { addHook } = require('pirates');
const swc = require('@swc/core');
const { root, readAliases, resolveAlias } = require('./paths');

const swcOptions = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcOptions.$schema;
process.setSourceMapsEnabled(true);

addHook(
  (code, filename) =>
    swc.transformSync(code, { ...swcOptions, swcrc: false, filename, sourceMaps: 'inline' }).code,
  { exts: ['.ts'], ignoreNodeModules: true },
);

const aliases = readAliases();
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  if (request.startsWith('@qf/')) {
    const target = resolveAlias(request, aliases);
    if (target) return originalResolve.call(this, target, ...rest);
  }
  return originalResolve.call(this, request, ...rest);
};
