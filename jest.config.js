// Two tiers, selected by file name: *.unit.spec.ts (pure, no I/O) and
// *.int.spec.ts / *.e2e.spec.ts (real Kafka, Mongo-wire server and Redis).
const { pathsToModuleNameMapper } = require('./tools/paths');
const fs = require('node:fs');

const swcConfig = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] };
const moduleNameMapper = pathsToModuleNameMapper();
const common = {
  rootDir: __dirname,
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/.local/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.local/', '<rootDir>/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.spec.ts', '<rootDir>/**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
      setupFiles: ['<rootDir>/libs/shared/testing/src/integration-env.js'],
      setupFilesAfterEnv: ['<rootDir>/libs/shared/testing/src/integration-timeout.js'],
    },
  ],
};
