import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('./build') as {
  distPathOf: (source: string) => string;
  rewriteAliases: (code: string, outFile: string, aliases: unknown) => string;
  DIST: string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { readAliases } = require('./paths') as { readAliases: () => unknown };

describe('tools/build', () => {
  it('mirrors a source path under dist/ as .js', () => {
    expect(build.distPathOf('apps/command-gateway/src/main.ts')).toBe(
      path.join(build.DIST, 'apps/command-gateway/src/main.js'),
    );
  });

  it('rewrites @qf/* requires to the compiled entry points, relative to the output file', () => {
    const out = build.distPathOf('apps/command-gateway/src/main.ts');
    const code =
      'const a = require("@qf/contracts");\nconst b = require("kafkajs");\nconst c = require(\'@qf/shared-kafka\');';
    expect(build.rewriteAliases(code, out, readAliases())).toBe(
      'const a = require("../../../libs/contracts/src/index.js");\nconst b = require("kafkajs");\nconst c = require(\'../../../libs/shared/kafka/src/index.js\');',
    );
  });

  it('refuses an alias tsconfig.base.json does not know', () => {
    expect(() =>
      build.rewriteAliases('require("@qf/nope")', build.distPathOf('a.ts'), readAliases()),
    ).toThrow(/unknown import alias @qf\/nope/);
  });
});
