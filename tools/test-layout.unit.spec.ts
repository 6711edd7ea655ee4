import { execFileSync } from 'node:child_process';

// Tests sit beside the code they test and say their tier in the name (CONTRIBUTING.md):
// Jest only runs *.unit|int|e2e.spec.ts, so a spec without a tier would never run.
const tracked = execFileSync('git', ['ls-files', 'apps', 'libs', 'bench', 'tools'], {
  cwd: `${__dirname}/..`,
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);

describe('test layout', () => {
  it('sees the specs (the listing found them)', () => {
    expect(tracked).toContain('tools/test-layout.unit.spec.ts');
  });

  it('keeps no test under __tests__: tests sit beside their source', () => {
    expect(tracked.filter((file) => file.includes('/__tests__/'))).toEqual([]);
  });

  it('names every spec with its tier (unit, int or e2e)', () => {
    const untiered = tracked.filter(
      (file) => /\.spec\.ts$/.test(file) && !/\.(unit|int|e2e)\.spec\.ts$/.test(file),
    );
    expect(untiered).toEqual([]);
  });
});
