import path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resolveAlias, root } = require('./paths') as {
  resolveAlias: (s: string) => string | undefined;
  root: string;
};

describe('tools/paths resolveAlias', () => {
  it('maps exact and wildcard @qf aliases to library entry points', () => {
    expect(resolveAlias('@qf/player-domain')).toBe(
      path.join(root, 'libs/player/domain/src/index.ts'),
    );
    expect(resolveAlias('@qf/shared-kafka')).toBe(
      path.join(root, 'libs/shared/kafka/src/index.ts'),
    );
  });

  it('leaves other specifiers alone', () => {
    expect(resolveAlias('kafkajs')).toBeUndefined();
    expect(resolveAlias('@qf/shared-kafka/deep/path')).toBeUndefined();
  });
});
