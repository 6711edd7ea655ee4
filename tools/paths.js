'use strict';
// One source of truth for the `@qf/*` import aliases: tsconfig.base.json's `paths`.
// Used by Jest (moduleNameMapper) and by the runtime loader (tools/register.js).
const path = require('node:path');
const fs = require('node:fs');

const root = path.resolve(__dirname, '..');

function readAliases() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
  return Object.entries(tsconfig.compilerOptions.paths).map(([pattern, [target]]) => ({
    pattern,
    target,
    wildcard: pattern.endsWith('*'),
  }));
}

/** Resolves an `@qf/...` specifier to an absolute file, or undefined when it is not an alias. */
function resolveAlias(specifier, aliases = readAliases()) {
  for (const { pattern, target, wildcard } of aliases) {
    if (!wildcard && specifier === pattern) return path.join(root, target);
    if (wildcard) {
      const prefix = pattern.slice(0, -1);
      if (specifier.startsWith(prefix) && !specifier.slice(prefix.length).includes('/')) {
        return path.join(root, target.replace('*', specifier.slice(prefix.length)));
      }
    }
  }
  return undefined;
}

function pathsToModuleNameMapper() {
  const mapper = {};
  for (const { pattern, target, wildcard } of readAliases()) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&');
    if (wildcard)
      mapper[`^${escaped.slice(0, -1)}([^/]+)$`] = `<rootDir>/${target.replace('*', '$1')}`;
    else mapper[`^${escaped}$`] = `<rootDir>/${target}`;
  }
  return mapper;
}

module.exports = { root, readAliases, resolveAlias, pathsToModuleNameMapper };
