import { execFile } from 'node:child_process';
import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RESULT_MARKER } = require('./lint-probes') as { RESULT_MARKER: string };

// The layering lint enforces (eslint.config.mjs, CONTRIBUTING.md), checked on probe sources
// linted as if they stood in a given project: a loosened rule fails here.
const root = path.resolve(__dirname, '..');

interface Probe {
  readonly file: string;
  readonly source: string;
}

/** The module-boundary messages of each probe, linted in one child process (tools/lint-probes.js). */
const boundaryErrors = (probes: readonly Probe[]): Promise<string[][]> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(root, 'tools/lint-probes.js')],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        // Whatever a plugin printed on a fresh clone (Nx warnings) comes before the marker.
        const at = stdout.lastIndexOf(RESULT_MARKER);
        if (at < 0) return reject(new Error(`no result from lint-probes: ${stdout}${stderr}`));
        resolve(JSON.parse(stdout.slice(at + RESULT_MARKER.length)) as string[][]);
      },
    );
    child.stdin?.end(JSON.stringify(probes));
  });

const probe = (...imports: string[]) =>
  `${imports.map((from, i) => `import * as m${i} from '${from}';`).join('\n')}\nexport const probe = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;

const REFUSED: ReadonlyArray<readonly [string, string, string]> = [
  ['a player lib importing Nest', 'libs/player/crud/src/probe.ts', '@nestjs/common'],
  ['a player lib importing the API lib', 'libs/player/read-model/src/probe.ts', '@qf/player-api'],
  ['a player lib importing ops tooling', 'libs/player/es-write/src/probe.ts', '@qf/fleet'],
  ['a player lib importing bench tooling', 'libs/player/crud/src/probe.ts', '@qf/loadgen'],
  ['the domain importing a driver', 'libs/player/domain/src/probe.ts', 'kafkajs'],
  ['the domain importing contracts', 'libs/player/domain/src/probe.ts', '@qf/contracts'],
  ['the contracts importing the domain', 'libs/contracts/src/probe.ts', '@qf/player-domain'],
  [
    'infrastructure importing application code',
    'libs/shared/kafka/src/probe.ts',
    '@qf/player-read-model',
  ],
  ['the ES side importing the CRUD side', 'libs/player/read-model/src/probe.ts', '@qf/player-crud'],
];

const ALLOWED: Probe = {
  file: 'apps/projector/src/probe.ts',
  source: probe('@nestjs/common', '@qf/player-read-model', '@qf/player-api', '@qf/dead-letters'),
};

describe('layering lint', () => {
  let messages: string[][];

  beforeAll(async () => {
    messages = await boundaryErrors([
      ...REFUSED.map(([, file, from]) => ({ file, source: probe(from) })),
      ALLOWED,
    ]);
  }, 180_000);

  it.each(REFUSED.map(([what], index) => [what, index] as const))('refuses %s', (_what, index) => {
    expect(messages[index]).not.toEqual([]);
  });

  it('lets an app import its player libs, Nest and ops tooling', () => {
    expect(messages[REFUSED.length]).toEqual([]);
  });
});
