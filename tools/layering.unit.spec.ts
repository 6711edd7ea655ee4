import { execFile } from 'node:child_process';
import path from 'node:path';

// The layering lint enforces (eslint.config.mjs, CONTRIBUTING.md), checked on probe sources
// linted as if they stood in a given project: a loosened rule fails here.
const root = path.resolve(__dirname, '..');

const boundaryErrors = (file: string, source: string): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [
        path.join(root, 'node_modules/eslint/bin/eslint.js'),
        '--stdin',
        '--stdin-filename',
        file,
        '--format',
        'json',
      ],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout) => {
        // Exit code 1 means "lint errors found": the report is still on stdout.
        if (error && error.code !== 1) return reject(error);
        const [report] = JSON.parse(stdout) as {
          messages: { ruleId: string; message: string }[];
        }[];
        resolve(
          (report?.messages ?? [])
            .filter((message) => message.ruleId === '@nx/enforce-module-boundaries')
            .map((message) => message.message),
        );
      },
    );
    child.stdin?.end(source);
  });

const probe = (...imports: string[]) =>
  `${imports.map((from, i) => `import * as m${i} from '${from}';`).join('\n')}\nexport const probe = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;

describe('layering lint', () => {
  jest.setTimeout(60_000);

  it.each([
    ['a player lib importing Nest', 'libs/player/crud/src/probe.ts', '@nestjs/common'],
    ['a player lib importing the API lib', 'libs/player/read-model/src/probe.ts', '@qf/player-api'],
    ['a player lib importing ops tooling', 'libs/player/es-write/src/probe.ts', '@qf/fleet'],
    ['a player lib importing bench tooling', 'libs/player/crud/src/probe.ts', '@qf/loadgen'],
    ['the domain importing a driver', 'libs/player/domain/src/probe.ts', 'kafkajs'],
    ['the domain importing contracts', 'libs/player/domain/src/probe.ts', '@qf/contracts'],
    [
      'infrastructure importing application code',
      'libs/shared/kafka/src/probe.ts',
      '@qf/player-read-model',
    ],
    [
      'the ES side importing the CRUD side',
      'libs/player/read-model/src/probe.ts',
      '@qf/player-crud',
    ],
  ])('refuses %s', async (_what, file, from) => {
    expect(await boundaryErrors(file, probe(from))).not.toEqual([]);
  });

  it('lets an app import its player libs, Nest and ops tooling', async () => {
    const source = probe(
      '@nestjs/common',
      '@qf/player-read-model',
      '@qf/player-api',
      '@qf/dead-letters',
    );
    expect(await boundaryErrors('apps/projector/src/probe.ts', source)).toEqual([]);
  });
});
