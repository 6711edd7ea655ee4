import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// One home per concept: a name exported from two places makes auto-imports pick the wrong
// one and hides which is meant. A new duplicate fails here; give it one home or a name that
// says how it differs. KNOWN lists a pair kept on purpose, with the reason (none today).
const KNOWN: Readonly<Record<string, string>> = {};

const root = path.resolve(__dirname, '..');
const DECLARATION =
  /^export (?:declare )?(?:abstract )?(?:async )?(?:function\*?|const|let|class|interface|type|enum) ([A-Za-z_$][\w$]*)/gm;

const sourceFiles = (): string[] =>
  execFileSync('git', ['ls-files', 'apps', 'libs', 'bench'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.endsWith('.d.ts'))
    .filter((file) => fs.existsSync(path.join(root, file)));

describe('exported names', () => {
  const homes = new Map<string, string[]>();
  for (const file of sourceFiles())
    for (const [, name] of fs.readFileSync(path.join(root, file), 'utf8').matchAll(DECLARATION))
      if (name) homes.set(name, [...(homes.get(name) ?? []), file]);
  const duplicates = [...homes].filter(([, files]) => files.length > 1);

  it('sees the source (the scan found the libraries)', () => {
    expect(homes.get('decide')).toEqual(['libs/player/domain/src/decide.ts']);
  });

  it('defines each exported name in one place, apart from the known pairs', () => {
    const unexpected = duplicates.filter(([name]) => !(name in KNOWN));
    expect(Object.fromEntries(unexpected)).toEqual({});
  });

  it('lists no known pair that is gone', () => {
    const stale = Object.keys(KNOWN).filter((name) => (homes.get(name)?.length ?? 0) < 2);
    expect(stale).toEqual([]);
  });
});
