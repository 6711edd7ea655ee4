import { Command } from 'commander';
import {
  compareOptionsOf,
  registerBenchWriteCommand,
  writeBenchOptionsOf,
  type WriteOptions,
} from './bench-write.command';

/** The flags as commander parses them (defaults included), without running the bench. */
const parsed = (...argv: string[]): WriteOptions => {
  const bench = new Command('bench');
  registerBenchWriteCommand(bench);
  const write = bench.commands.find((command) => command.name() === 'write');
  if (!write) throw new Error('qf bench write is not registered');
  write.exitOverride().action(() => undefined);
  write.parse(argv, { from: 'user' });
  return write.opts<WriteOptions>();
};

describe('qf bench write: flags to bench settings', () => {
  it('defaults: es target, 10 000 players, uniform keys, no extra environment', () => {
    const bench = writeBenchOptionsOf(parsed());
    expect(bench).toMatchObject({
      target: 'es',
      rate: 3000,
      durationSec: 60,
      warmupSec: 10,
      players: 10_000,
      scenario: 'write-heavy',
      distribution: { kind: 'uniform' },
      connections: 1024,
      processors: 1,
      partitions: 12,
      seed: 42,
      keepTopics: false,
      serviceEnv: {},
    });
    expect(bench).not.toHaveProperty('baseUrl');
    expect(bench).not.toHaveProperty('mix');
  });

  it('a search registers 2000 players unless --players says otherwise', () => {
    expect(writeBenchOptionsOf(parsed('--search')).players).toBe(2000);
    expect(writeBenchOptionsOf(parsed('--search', '--players', '500')).players).toBe(500);
  });

  it('passes the target, mix, Zipf keys, environment and profile through', () => {
    const bench = writeBenchOptionsOf(
      parsed(
        ...['--target', 'crud', '--base-url', 'http://127.0.0.1:1', '--mix', 'move=3,pick-up=1'],
        ...[
          '--distribution',
          'zipf',
          '--zipf-exponent',
          '1.2',
          '--env',
          'QF_X=1',
          '--profile',
          'p',
        ],
      ),
    );
    expect(bench).toMatchObject({
      target: 'crud',
      baseUrl: 'http://127.0.0.1:1',
      distribution: { kind: 'zipf', exponent: 1.2 },
      serviceEnv: { QF_X: '1' },
      profileDir: 'p',
    });
    expect(bench.mix).toBeDefined();
  });

  it.each([
    [['--target', 'mongo'], /--target takes es or crud, got "mongo"/],
    [['--fleet', '--base-url', 'http://x'], /--fleet and --base-url name two targets/],
    [['--distribution', 'pareto'], /--distribution takes uniform or zipf, got "pareto"/],
    [
      ['--distribution', 'zipf', '--zipf-exponent', '9'],
      /--zipf-exponent takes a number in \(0, 5\]/,
    ],
    [['--env', 'lower=1'], /--env takes NAME=VALUE, got "lower=1"/],
  ])('refuses %p, naming the flag', (argv, message) => {
    expect(() => writeBenchOptionsOf(parsed(...argv))).toThrow(message);
  });

  it('--compare-env makes an A/B series of --pairs pairs (3 by default); none without it', () => {
    expect(compareOptionsOf(parsed())).toBeUndefined();
    expect(compareOptionsOf(parsed('--compare-env', 'QF_A=1', '--compare-env', 'QF_B=2'))).toEqual({
      compareEnv: { QF_A: '1', QF_B: '2' },
      pairs: 3,
    });
    expect(compareOptionsOf(parsed('--compare-env', 'QF_A=1', '--pairs', '5'))?.pairs).toBe(5);
  });

  it.each([
    [['--compare-env', 'QF_A'], /--compare-env takes NAME=VALUE, got "QF_A"/],
    [['--compare-env', 'QF_A=1', '--search'], /--compare-env runs one rate/],
    [['--compare-env', 'QF_A=1', '--fleet'], /cannot drive --fleet or --base-url/],
    [['--compare-env', 'QF_A=1', '--base-url', 'http://x'], /cannot drive --fleet or --base-url/],
  ])('refuses the A/B series with %p, naming the flag', (argv, message) => {
    expect(() => compareOptionsOf(parsed(...argv))).toThrow(message);
  });

  it('refuses --pairs outside 1..50', () => {
    expect(() => parsed('--compare-env', 'QF_A=1', '--pairs', '0')).toThrow(/--pairs/);
  });
});
